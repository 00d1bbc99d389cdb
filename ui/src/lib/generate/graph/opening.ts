// Where a graph opens: all of it when every card stays readable, else the part around its outputs
// at the smallest readable zoom. Pure geometry on the layout (pane size and rectangles in, zoom
// and offset out). Leaves out when the view is set (OpenView.svelte) and the fit button, which
// always shows everything.

import type { View } from "./follow";
import type { GraphLayout, PlacedNode } from "./layout";
import type { Box } from "./overlap";

/** Below this zoom a card's text is too small to read. */
export const READABLE_ZOOM = 0.4;
/** Never open larger than life. */
export const OPEN_MAX_ZOOM = 1;
/** Screen pixels kept free around the graph. */
export const OPEN_PADDING = 32;

/** What the service writes images with (easel-workflow `OUTPUT_CLASSES`). */
const OUTPUT_CLASSES = ["SaveImage", "PreviewImage"];

/** The smallest box holding all of `boxes`, or null for none. */
export function boundsOf(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

const boxOf = (p: PlacedNode): Box => ({
  x: p.x,
  y: p.y,
  width: p.shape.width,
  height: p.shape.height,
});

/**
 * The cards of the output nodes: SaveImage and PreviewImage; when there is none, the nodes no link
 * leaves (what the graph ends in).
 */
export function outputCards(layout: GraphLayout): Box[] {
  const saving = layout.nodes.filter((p) => OUTPUT_CLASSES.includes(p.node.classType));
  if (saving.length > 0) return saving.map(boxOf);
  const feeding = new Set(layout.links.map((l) => l.source));
  return layout.nodes.filter((p) => !feeding.has(p.node.id)).map(boxOf);
}

/**
 * The offset on one axis that centres `focus` in a pane of `size` pixels at `zoom`, moved so that
 * no more empty space than the padding shows past either end of the graph when the graph is
 * longer than the pane; a graph that fits on this axis is centred instead.
 */
function offsetOn(size: number, zoom: number, graph: [number, number], focus: [number, number]) {
  const [start, length] = graph;
  if (length * zoom + 2 * OPEN_PADDING <= size) return size / 2 - (start + length / 2) * zoom;
  const centred = size / 2 - (focus[0] + focus[1] / 2) * zoom;
  const lowest = size - OPEN_PADDING - (start + length) * zoom;
  const highest = OPEN_PADDING - start * zoom;
  return Math.min(highest, Math.max(lowest, centred));
}

/**
 * The opening viewport (screen = flow × zoom + offset) for a pane of `pane` size: the whole graph,
 * centred, at the zoom that fits it (at most OPEN_MAX_ZOOM) when that zoom is at least
 * READABLE_ZOOM; otherwise READABLE_ZOOM centred on `focus` (the output cards), kept inside the
 * graph's ends. Null when the pane has no size yet or there is no graph.
 */
export function openingView(
  pane: { width: number; height: number },
  graph: Box | null,
  focus: Box | null,
): View | null {
  if (!graph || pane.width <= 0 || pane.height <= 0) return null;
  const fits = Math.min(
    (pane.width - 2 * OPEN_PADDING) / graph.width,
    (pane.height - 2 * OPEN_PADDING) / graph.height,
    OPEN_MAX_ZOOM,
  );
  const zoom = fits >= READABLE_ZOOM ? fits : READABLE_ZOOM;
  const on = focus ?? graph;
  return {
    x: offsetOn(pane.width, zoom, [graph.x, graph.width], [on.x, on.width]),
    y: offsetOn(pane.height, zoom, [graph.y, graph.height], [on.y, on.height]),
    zoom,
  };
}

/** The opening view of `layout`: all its cards, focused on its output cards. */
export function layoutOpening(pane: { width: number; height: number }, layout: GraphLayout) {
  return openingView(pane, boundsOf(layout.nodes.map(boxOf)), boundsOf(outputCards(layout)));
}
