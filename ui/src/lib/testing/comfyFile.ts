// A ComfyUI file as the NodeDoc list the graph layout takes, for tests only: the UI cannot call
// the Rust importer, so this reads just what layout needs. Editor files: every top-level node
// with its `pos`, link inputs from `links`, one unnamed value row per `widgets_values` entry.
// API files: `class_type`, and inputs that are `[id, slot]` pairs as links. Leaves out all the
// importer's meaning: notes, primitives, reroutes and bypassed nodes stay cards, group nodes and
// subgraphs are not expanded, widget names and control values are not resolved. So the cards are
// a superset of what Easel shows, with roughly the same heights.

import type { InputDoc } from "../bindings/InputDoc";
import type { NodeDoc } from "../bindings/NodeDoc";

type Json = Record<string, unknown>;

/** One graph found in a file, named by its form. */
export type FileGraph = { form: "editor" | "api"; nodes: NodeDoc[] };

/**
 * JSON as other tools write it, like the Rust importer reads it (easel-workflow `lenient`): a
 * byte-order mark and trailing NULs are dropped, and when strict parsing fails the Python tokens
 * NaN, Infinity and -Infinity outside strings are read as null.
 */
export function parseComfyJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, "").replace(/[\0\s]+$/, "");
  try {
    return JSON.parse(trimmed);
  } catch (strict) {
    // Strings (with their escapes) are matched whole, so a token inside one is kept.
    const patched = trimmed.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) =>
      m.startsWith('"') ? m : "null",
    );
    if (patched === trimmed) throw strict;
    return JSON.parse(patched);
  }
}

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The graphs of a parsed ComfyUI file: the editor graph, the API graph, or both when a wrapper
 * carries both (SwarmUI). Wrappers looked into: `{prompt}`, `{workflow}`, `{input: {workflow}}`.
 */
export function graphsOfFile(file: unknown): FileGraph[] {
  if (!isObject(file)) return [];
  if (Array.isArray(file.nodes)) return [{ form: "editor", nodes: editorNodes(file) }];
  const api = apiNodes(file);
  if (api.length > 0) return [{ form: "api", nodes: api }];
  return ["workflow", "prompt", "input"].flatMap((key) => graphsOfFile(file[key]));
}

/** `pos` as `[x, y]` or `{"0": x, "1": y}` (the same keys to JS), as the Rust importer reads it. */
function point(pos: unknown): [number, number] | undefined {
  if (typeof pos !== "object" || pos === null) return undefined;
  const { 0: x, 1: y } = pos as Record<number, unknown>;
  return typeof x === "number" && typeof y === "number" ? [x, y] : undefined;
}

/** Link id -> [source node id, output slot], from array or object links. */
function editorLinks(links: unknown): Map<number, [string, number]> {
  const found = new Map<number, [string, number]>();
  for (const l of Array.isArray(links) ? links : []) {
    const [id, source, slot] = Array.isArray(l)
      ? [l[0], l[1], l[2]]
      : isObject(l)
        ? [l.id, l.origin_id, l.origin_slot]
        : [];
    if (typeof id === "number" && typeof slot === "number" && source !== undefined) {
      found.set(id, [String(source), slot]);
    }
  }
  return found;
}

function editorNodes(file: Json): NodeDoc[] {
  const links = editorLinks(file.links);
  return (file.nodes as unknown[]).filter(isObject).map((n): NodeDoc => {
    const inputs: InputDoc[] = [];
    for (const input of Array.isArray(n.inputs) ? n.inputs.filter(isObject) : []) {
      const from = typeof input.link === "number" ? links.get(input.link) : undefined;
      if (from)
        inputs.push({ kind: "link", name: String(input.name), node: from[0], output: from[1] });
    }
    const widgets = Array.isArray(n.widgets_values)
      ? n.widgets_values
      : isObject(n.widgets_values)
        ? Object.values(n.widgets_values)
        : [];
    widgets.forEach((value, i) => inputs.push({ kind: "value", name: `widget ${i}`, value }));
    const position = point(n.pos);
    return {
      id: String(n.id),
      classType: String(n.type),
      title: typeof n.title === "string" ? n.title : null,
      inputs,
      extra: {},
      ...(position ? { position } : {}),
    };
  });
}

/** An API link: `[node id, output slot]`. */
const isLink = (v: unknown): v is [string | number, number] =>
  Array.isArray(v) &&
  v.length === 2 &&
  (typeof v[0] === "string" || typeof v[0] === "number") &&
  Number.isInteger(v[1]);

function apiNodes(file: Json): NodeDoc[] {
  return Object.entries(file)
    .filter((e): e is [string, Json] => isObject(e[1]) && typeof e[1].class_type === "string")
    .map(([id, n]) => ({
      id,
      classType: n.class_type as string,
      title: isObject(n._meta) && typeof n._meta.title === "string" ? n._meta.title : null,
      inputs: Object.entries(isObject(n.inputs) ? n.inputs : {}).map(([name, v]): InputDoc =>
        isLink(v)
          ? { kind: "link", name, node: String(v[0]), output: v[1] }
          : { kind: "value", name, value: v },
      ),
      extra: {},
    }));
}
