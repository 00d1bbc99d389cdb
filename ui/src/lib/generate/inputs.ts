// How a node's inputs are shown and edited: which control each literal gets, and small words
// for cards. Pure helpers; the forms mutate the WorkflowDoc in place.

import type { InputDoc } from "../bindings/InputDoc";
import type { NodeDoc } from "../bindings/NodeDoc";

export type ValueInput = Extract<InputDoc, { kind: "value" }>;

export type Control =
  | { kind: "number"; step: number | "any" }
  | { kind: "text" }
  | { kind: "multiline" }
  | { kind: "bool" }
  | { kind: "json" };

const INTEGER_NAMES = new Set(["seed", "noise_seed", "steps", "width", "height", "batch_size"]);
const PROMPT_NAME = /text|prompt|positive|negative|caption/i;

/** The control a literal input is edited with. */
export function controlFor(input: ValueInput): Control {
  const { name, value } = input;
  if (typeof value === "number")
    return { kind: "number", step: INTEGER_NAMES.has(name) ? 1 : "any" };
  if (typeof value === "boolean") return { kind: "bool" };
  if (typeof value === "string") {
    const long = value.length > 60 || value.includes("\n");
    return PROMPT_NAME.test(name) || long ? { kind: "multiline" } : { kind: "text" };
  }
  return { kind: "json" };
}

/** A number typed by a person, or null when it is not one. */
export function parseNumber(text: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** What a card calls a node. */
export function nodeTitle(node: Pick<NodeDoc, "title" | "classType">): string {
  const title = node.title?.trim();
  return title ? title : node.classType;
}

/** "model_name" -> "Model name". */
export function inputLabel(name: string): string {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** One short line about a node's literal values, for its card. */
export function cardHint(node: NodeDoc, max = 42): string {
  const values = node.inputs.filter((i): i is ValueInput => i.kind === "value");
  const prompt = values.find((i) => typeof i.value === "string" && PROMPT_NAME.test(i.name));
  if (prompt) return shorten(String(prompt.value), max);
  const parts = values
    .filter((i) => ["number", "string", "boolean"].includes(typeof i.value))
    .slice(0, 3)
    .map((i) => `${i.name} ${String(i.value)}`);
  return shorten(parts.join(" · "), max);
}

/** Whether two literal values differ (deep, for objects too). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
