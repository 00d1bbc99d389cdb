// A small read-only picture of a workflow graph: boxes in columns by dependency depth, straight
// lines for links. Pure geometry for WorkflowPicture.svelte. Leaves out ports, titles that fit
// and crossing reduction: it is a thumbnail of the graph's shape, not an editor.

import type { WorkflowDoc } from "../bindings/WorkflowDoc";

export const BOX = { width: 84, height: 18, gapX: 22, gapY: 6, margin: 4 };

export type Box = { id: string; label: string; x: number; y: number };
export type Line = { key: string; x1: number; y1: number; x2: number; y2: number };
export type Picture = { boxes: Box[]; lines: Line[]; width: number; height: number };

/** Depth of each node: 0 when fed by nothing, else 1 + its deepest source. Links to missing
 * nodes are ignored and a cycle is cut where it is met. */
export function depths(doc: WorkflowDoc): Map<string, number> {
  const sources = new Map(
    doc.nodes.map((n) => [n.id, n.inputs.flatMap((i) => (i.kind === "link" ? [i.node] : []))]),
  );
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id) || !sources.has(id)) return -1;
    visiting.add(id);
    const d = 1 + Math.max(-1, ...sources.get(id)!.map(visit));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const n of doc.nodes) visit(n.id);
  return depth;
}

/** Where each box and line goes. */
export function picture(doc: WorkflowDoc): Picture {
  const depth = depths(doc);
  const rows = new Map<number, number>();
  const boxes: Box[] = doc.nodes.map((n) => {
    const column = depth.get(n.id) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return {
      id: n.id,
      label: n.title?.trim() || n.classType,
      x: BOX.margin + column * (BOX.width + BOX.gapX),
      y: BOX.margin + row * (BOX.height + BOX.gapY),
    };
  });
  const at = new Map(boxes.map((b) => [b.id, b]));
  const lines: Line[] = doc.nodes.flatMap((n) =>
    n.inputs.flatMap((i) => {
      const from = i.kind === "link" ? at.get(i.node) : undefined;
      const to = at.get(n.id)!;
      if (!from) return [];
      return [
        {
          key: `${from.id}->${n.id}.${i.name}`,
          x1: from.x + BOX.width,
          y1: from.y + BOX.height / 2,
          x2: to.x,
          y2: to.y + BOX.height / 2,
        },
      ];
    }),
  );
  const columns = Math.max(0, ...[...rows.keys()].map((c) => c + 1));
  const tallest = Math.max(0, ...rows.values());
  return {
    boxes,
    lines,
    width: BOX.margin * 2 + columns * BOX.width + Math.max(0, columns - 1) * BOX.gapX,
    height: BOX.margin * 2 + tallest * BOX.height + Math.max(0, tallest - 1) * BOX.gapY,
  };
}
