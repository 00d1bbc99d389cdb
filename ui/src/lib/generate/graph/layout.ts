// Where every card of a workflow goes: the editor's own positions when the file has one for every
// node (pushed apart where Easel's cards would overlap, overlap.ts), otherwise a left-to-right
// dagre layout of fixed-size cards, which never overlap, folded into rows when it is too wide to
// read whole (fold.ts, with the links between rows routed along lanes, lanes.ts). Pure: same
// nodes in, same picture out. Leaves out drawing, live state and anything the DOM would measure.

import { graphlib, layout as dagreLayout } from "@dagrejs/dagre";
import type { NodeDoc } from "../../bindings/NodeDoc";
import { cardShape, type CardShape } from "./card";
import { foldRows } from "./fold";
import { laneRoutes, type LaneRoute } from "./lanes";
import { pushApart } from "./overlap";

/** One link between two nodes of the workflow. */
export type Link = {
  /** Stable id: `<source>:<output>-><target>.<input>`. */
  id: string;
  source: string;
  output: number;
  target: string;
  input: string;
};

/** A link whose source node is not in the workflow: not drawn, only counted. */
export type Dangling = { source: string; target: string; input: string };

export type PlacedNode = {
  node: NodeDoc;
  shape: CardShape;
  /** Top-left corner of the card. */
  x: number;
  y: number;
};

export type GraphLayout = {
  /** In file order. */
  nodes: PlacedNode[];
  links: Link[];
  dangling: Dangling[];
  /** Where the positions came from. */
  source: "editor" | "auto";
  /** How the links from one row of a folded layout to a later row run, by link id. */
  routes: Map<string, LaneRoute>;
};

/** Space between cards in a column and between columns. */
const NODE_GAP = 28;
const RANK_GAP = 80;

export function linksOf(nodes: readonly NodeDoc[]): { links: Link[]; dangling: Dangling[] } {
  const ids = new Set(nodes.map((n) => n.id));
  const links: Link[] = [];
  const dangling: Dangling[] = [];
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input.kind !== "link") continue;
      if (!ids.has(input.node)) {
        dangling.push({ source: input.node, target: node.id, input: input.name });
        continue;
      }
      links.push({
        id: `${input.node}:${input.output}->${node.id}.${input.name}`,
        source: input.node,
        output: input.output,
        target: node.id,
        input: input.name,
      });
    }
  }
  return { links, dangling };
}

/** The editor positions of all nodes, or null when any node lacks one (or there are no nodes). */
export function editorPositions(nodes: readonly NodeDoc[]): Map<string, [number, number]> | null {
  if (nodes.length === 0) return null;
  const positions = new Map<string, [number, number]>();
  for (const node of nodes) {
    const at = node.position ?? null;
    if (!at || !at.every(Number.isFinite)) return null;
    positions.set(node.id, at);
  }
  return positions;
}

/**
 * Top-left corners from dagre. Nodes go to dagre as their file index, not their id: graphlib keeps
 * nodes in plain objects, where an id such as "constructor" would collide with built-ins.
 */
function autoPositions(
  nodes: readonly NodeDoc[],
  shapes: readonly CardShape[],
  links: readonly Link[],
): [number, number][] {
  const index = new Map(nodes.map((n, i) => [n.id, String(i)]));
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  shapes.forEach((s, i) => g.setNode(String(i), { width: s.width, height: s.height }));
  for (const l of links) g.setEdge(index.get(l.source)!, index.get(l.target)!);
  dagreLayout(g);
  return shapes.map((s, i) => {
    const { x, y } = g.node(String(i));
    return [x - s.width / 2, y - s.height / 2];
  });
}

/** Output indexes of each node that some link uses, ascending. */
function usedOutputs(links: readonly Link[]): Map<string, number[]> {
  const outputs = new Map<string, number[]>();
  for (const l of links) {
    const list = outputs.get(l.source) ?? [];
    if (!list.includes(l.output)) list.push(l.output);
    outputs.set(l.source, list);
  }
  for (const list of outputs.values()) list.sort((a, b) => a - b);
  return outputs;
}

/**
 * The editor's corners with Easel's card sizes, pushed apart. NodeDoc carries the editor's `pos`
 * but not its `size`, and the cards are drawn at Easel's size anyway, so those are the rectangles
 * that must not overlap.
 */
function editorCorners(
  nodes: readonly NodeDoc[],
  shapes: readonly CardShape[],
  editor: Map<string, [number, number]>,
): [number, number][] {
  const boxes = nodes.map((n, i) => {
    const [x, y] = editor.get(n.id)!;
    return { x, y, width: shapes[i].width, height: shapes[i].height };
  });
  const tops = pushApart(boxes);
  return boxes.map((b, i) => [b.x, tops[i]]);
}

/** The automatic layout: dagre's, folded into rows when too wide, with its lane routes. */
function autoLayout(
  nodes: readonly NodeDoc[],
  shapes: readonly CardShape[],
  links: readonly Link[],
): { corners: [number, number][]; routes: Map<string, LaneRoute> } {
  const folded = foldRows(autoPositions(nodes, shapes, links), shapes, NODE_GAP);
  const cards = nodes.map((n, i) => {
    const [x, y] = folded.corners[i];
    return { id: n.id, x, y, shape: shapes[i], row: folded.rows[i] };
  });
  return { corners: folded.corners, routes: laneRoutes(cards, links, folded.bands) };
}

export function layoutGraph(nodes: readonly NodeDoc[]): GraphLayout {
  const { links, dangling } = linksOf(nodes);
  const outputs = usedOutputs(links);
  const shapes = nodes.map((n) => cardShape(n, outputs.get(n.id) ?? []));
  const editor = editorPositions(nodes);
  const { corners, routes } = editor
    ? { corners: editorCorners(nodes, shapes, editor), routes: new Map<string, LaneRoute>() }
    : autoLayout(nodes, shapes, links);
  return {
    nodes: nodes.map((node, i) => ({ node, shape: shapes[i], x: corners[i][0], y: corners[i][1] })),
    links,
    dangling,
    source: editor ? "editor" : "auto",
    routes,
  };
}
