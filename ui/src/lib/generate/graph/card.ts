// The shape of one node card: its rows, its size and where its connection points sit. Sizes are
// fixed numbers computed from the inputs, so layout and links never wait for the DOM to measure.
// Leaves out colours and live state (NodeCard.svelte) and where the card goes (layout.ts).

import type { InputDoc } from "../../bindings/InputDoc";
import type { NodeDoc } from "../../bindings/NodeDoc";

export type LinkInput = Extract<InputDoc, { kind: "link" }>;
export type ValueInput = Extract<InputDoc, { kind: "value" }>;

/** Card metrics in pixels; NodeCard.svelte sets its CSS from these, so both always agree. */
export const CARD = {
  width: 240,
  /** Header with the title only, and with the title plus a class line under it. */
  headOne: 34,
  headTwo: 50,
  /** One input or output row. */
  row: 22,
  /** Space above and below the rows. */
  pad: 6,
  /** State line and progress bar. */
  foot: 30,
  /** Diameter of a connection point. */
  handle: 9,
} as const;

/**
 * Links come first, ComfyUI style: each slot row has an input link on the left and/or an output
 * on the right; literal values follow, one per row.
 */
export type CardRow =
  | { kind: "slot"; input: LinkInput | null; output: number | null }
  | { kind: "value"; input: ValueInput };

export type CardHandle = {
  /** `in:<input name>` or `out:<output index>`, what the links refer to. */
  id: string;
  type: "target" | "source";
  side: "left" | "right";
  /** Top-left corner relative to the card, and size. */
  x: number;
  y: number;
  size: number;
};

export type CardShape = {
  /** Whether the header has a class line (the node has a title of its own). */
  classLine: boolean;
  rows: CardRow[];
  handles: CardHandle[];
  width: number;
  height: number;
};

export const inputHandle = (name: string): string => `in:${name}`;
export const outputHandle = (index: number): string => `out:${index}`;

/** The card of `node`, whose `outputs` (indexes, ascending) feed other nodes. */
export function cardShape(node: NodeDoc, outputs: readonly number[]): CardShape {
  const links = node.inputs.filter((i): i is LinkInput => i.kind === "link");
  const values = node.inputs.filter((i): i is ValueInput => i.kind === "value");
  const slots = Math.max(links.length, outputs.length);
  const rows: CardRow[] = [
    ...Array.from({ length: slots }, (_, i) => ({
      kind: "slot" as const,
      input: links[i] ?? null,
      output: outputs[i] ?? null,
    })),
    ...values.map((input) => ({ kind: "value" as const, input })),
  ];

  const classLine = hasOwnTitle(node);
  const top = (classLine ? CARD.headTwo : CARD.headOne) + CARD.pad;
  const { handle: size, row, width } = CARD;
  const handles: CardHandle[] = [];
  rows.forEach((r, i) => {
    if (r.kind !== "slot") return;
    const y = top + i * row + (row - size) / 2;
    if (r.input) {
      handles.push({
        id: inputHandle(r.input.name),
        type: "target",
        side: "left",
        x: -size / 2,
        y,
        size,
      });
    }
    if (r.output !== null) {
      handles.push({
        id: outputHandle(r.output),
        type: "source",
        side: "right",
        x: width - size / 2,
        y,
        size,
      });
    }
  });

  return {
    classLine,
    rows,
    handles,
    width,
    height: top + rows.length * row + CARD.pad + CARD.foot,
  };
}

/** Whether the node's title says more than its class name. */
export function hasOwnTitle(node: Pick<NodeDoc, "title" | "classType">): boolean {
  const title = node.title?.trim();
  return !!title && title !== node.classType;
}

/**
 * A literal value in a few characters: numbers rounded to 5 significant digits, text on one line
 * and cut with an ellipsis, anything else as short JSON. Booleans are worded by the card.
 */
export function shortValue(value: unknown, max = 28): string {
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
  }
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
