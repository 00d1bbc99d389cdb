// Places a workflow's nodes in columns by dependency depth and routes links between them.
// Pure: same doc in, same picture out; the graph panel only draws what this returns.

import type { NodeDoc } from "../bindings/NodeDoc";

export type Geometry = {
  /** Card width and height (cards have a fixed size so links can be routed without measuring). */
  cardWidth: number;
  cardHeight: number;
  /** Space between columns and between cards in a column. */
  gapX: number;
  gapY: number;
  /** Margin around the whole picture. */
  margin: number;
};

export const DEFAULT_GEOMETRY: Geometry = {
  cardWidth: 196,
  cardHeight: 92,
  gapX: 64,
  gapY: 22,
  margin: 24,
};

export type PlacedNode = {
  id: string;
  /** Column: 0 for nodes fed by nothing, otherwise 1 + the deepest source. */
  layer: number;
  /** Position inside the column, top to bottom. */
  row: number;
  x: number;
  y: number;
};

export type PlacedEdge = {
  /** Stable key: `<source>:<output>-><target>.<input>`. */
  key: string;
  source: string;
  output: number;
  target: string;
  input: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** SVG path data for a smooth curve from the source's right side to the target's left side. */
  path: string;
};

export type Layout = {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** Links whose source node is not in the workflow; they are not drawn. */
  dangling: { target: string; input: string; source: string }[];
  width: number;
  height: number;
  layers: number;
};

type Link = { source: string; output: number; target: string; input: string };

function linksOf(nodes: readonly NodeDoc[]): { links: Link[]; dangling: Layout["dangling"] } {
  const ids = new Set(nodes.map((n) => n.id));
  const links: Link[] = [];
  const dangling: Layout["dangling"] = [];
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input.kind !== "link") continue;
      if (ids.has(input.node)) {
        links.push({
          source: input.node,
          output: input.output,
          target: node.id,
          input: input.name,
        });
      } else {
        dangling.push({ target: node.id, input: input.name, source: input.node });
      }
    }
  }
  return { links, dangling };
}

/**
 * Depth of every node: 0 without sources, else 1 + the deepest source. A link that closes a
 * cycle is ignored for depth, so a malformed graph still lays out.
 */
export function computeLayers(nodes: readonly NodeDoc[]): Map<string, number> {
  const { links } = linksOf(nodes);
  const sources = new Map<string, string[]>();
  for (const n of nodes) sources.set(n.id, []);
  for (const l of links) sources.get(l.target)!.push(l.source);

  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    visiting.add(id);
    let d = 0;
    for (const src of sources.get(id) ?? []) {
      if (visiting.has(src)) continue; // back edge of a cycle
      d = Math.max(d, visit(src) + 1);
    }
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) visit(n.id);
  return depth;
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  const dx = Math.max(36, Math.abs(x2 - x1) / 2);
  return `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
}

/** Evenly spaced port positions along a card edge. */
function portY(top: number, height: number, index: number, count: number): number {
  return top + (height * (index + 1)) / (count + 1);
}

export function layoutGraph(
  nodes: readonly NodeDoc[],
  geometry: Geometry = DEFAULT_GEOMETRY,
): Layout {
  const { cardWidth, cardHeight, gapX, gapY, margin } = geometry;
  const { links, dangling } = linksOf(nodes);
  const layerOf = computeLayers(nodes);
  const layerCount = nodes.length === 0 ? 0 : Math.max(...layerOf.values()) + 1;

  // Columns keep file order, then each column (after the first) is sorted by the mean row of its
  // sources, which untangles most links in one pass.
  const columns: string[][] = Array.from({ length: layerCount }, () => []);
  for (const n of nodes) columns[layerOf.get(n.id)!].push(n.id);
  const fileOrder = new Map(nodes.map((n, i) => [n.id, i]));
  const rowOf = new Map<string, number>();
  columns[0]?.forEach((id, row) => rowOf.set(id, row));
  for (let layer = 1; layer < layerCount; layer++) {
    const weight = (id: string): number => {
      const rows = links
        .filter((l) => l.target === id && rowOf.has(l.source))
        .map((l) => rowOf.get(l.source)!);
      return rows.length === 0 ? Infinity : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const weights = new Map(columns[layer].map((id) => [id, weight(id)]));
    columns[layer].sort(
      (a, b) => weights.get(a)! - weights.get(b)! || fileOrder.get(a)! - fileOrder.get(b)!,
    );
    columns[layer].forEach((id, row) => rowOf.set(id, row));
  }

  const placed = new Map<string, PlacedNode>();
  const tallest = Math.max(0, ...columns.map((c) => c.length));
  const columnHeight = (count: number) => count * cardHeight + Math.max(0, count - 1) * gapY;
  const fullHeight = columnHeight(tallest);
  columns.forEach((column, layer) => {
    // Shorter columns are centred vertically against the tallest one.
    const offset = (fullHeight - columnHeight(column.length)) / 2;
    column.forEach((id, row) => {
      placed.set(id, {
        id,
        layer,
        row,
        x: margin + layer * (cardWidth + gapX),
        y: margin + offset + row * (cardHeight + gapY),
      });
    });
  });

  // Ports: a target's link inputs are spread down its left side in file order; a source's used
  // outputs are spread down its right side by output index.
  const inputsOf = new Map<string, string[]>();
  for (const l of links) {
    const list = inputsOf.get(l.target) ?? [];
    if (!list.includes(l.input)) list.push(l.input);
    inputsOf.set(l.target, list);
  }
  const outputsOf = new Map<string, number[]>();
  for (const l of links) {
    const list = outputsOf.get(l.source) ?? [];
    if (!list.includes(l.output)) list.push(l.output);
    outputsOf.set(l.source, list);
  }
  for (const list of outputsOf.values()) list.sort((a, b) => a - b);

  const edges: PlacedEdge[] = links.map((l) => {
    const s = placed.get(l.source)!;
    const t = placed.get(l.target)!;
    const outs = outputsOf.get(l.source)!;
    const ins = inputsOf.get(l.target)!;
    const x1 = s.x + cardWidth;
    const y1 = portY(s.y, cardHeight, outs.indexOf(l.output), outs.length);
    const x2 = t.x;
    const y2 = portY(t.y, cardHeight, ins.indexOf(l.input), ins.length);
    return {
      key: `${l.source}:${l.output}->${l.target}.${l.input}`,
      ...l,
      x1,
      y1,
      x2,
      y2,
      path: curve(x1, y1, x2, y2),
    };
  });

  const width =
    layerCount === 0 ? 0 : 2 * margin + layerCount * cardWidth + (layerCount - 1) * gapX;
  const height = tallest === 0 ? 0 : 2 * margin + fullHeight;
  return {
    nodes: nodes.map((n) => placed.get(n.id)!),
    edges,
    dangling,
    width,
    height,
    layers: layerCount,
  };
}
