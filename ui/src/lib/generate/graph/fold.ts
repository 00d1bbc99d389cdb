// Folds a left-to-right layered layout that is too big to read whole into rows, the way a line of
// text wraps: the first columns (dagre's ranks) stay on the top row, the next ones start again at
// the left on a row below, every row still reads left to right; rows may also give up some of
// dagre's generous vertical spacing. A row is a band of its own and rows are stacked with a lane
// between them, so folding cannot make cards overlap. It changes dagre's picture only when that
// makes the whole graph readable in the Generate pane, and then as little as that takes. Pure:
// the same corners in, the same corners out. Leaves out the links between rows (lanes.ts)
// and where the graph opens (opening.ts).

import type { CardShape } from "./card";
import { OPEN_MAX_ZOOM, OPEN_PADDING, READABLE_ZOOM } from "./opening";

/**
 * The pane a layout is folded for: the Generate graph pane in the default 1280 × 800 window, a
 * little shorter than measured to leave room for the warnings bar. A fixed size, not the live
 * pane's, so a graph keeps its picture when the window is resized, and tests see what people see.
 */
export const FOLD_PANE = { width: 940, height: 640 } as const;
/** Never more rows than this: past it the links between rows would be more lane than graph. */
export const MAX_ROWS = 4;
/** Height of the lane between two rows, where the links from one row to the next run. */
export const ROW_GAP = 96;

/** A row's vertical extent in flow coordinates. */
export type Band = { top: number; bottom: number };

export type Folded = {
  corners: [number, number][];
  /** The row of each node, in input order. */
  rows: number[];
  /** Each row's extent, top to bottom. */
  bands: Band[];
};

/**
 * Node indexes by column, left to right, from dagre's corners: in a left-to-right layout every
 * node of a rank has the same centre x.
 */
export function columnsOf(corners: readonly [number, number][], shapes: readonly CardShape[]) {
  const byCentre = new Map<number, number[]>();
  corners.forEach(([x], i) => {
    // Rounded so that a rounding error in dagre's sums cannot split a rank in two.
    const centre = Math.round((x + shapes[i].width / 2) * 1000) / 1000;
    byCentre.set(centre, [...(byCentre.get(centre) ?? []), i]);
  });
  return [...byCentre.entries()].sort(([a], [b]) => a - b).map(([, members]) => members);
}

/** The zoom that shows a graph of `width` × `height` whole in FOLD_PANE. */
const fitZoom = (width: number, height: number): number =>
  Math.min(
    (FOLD_PANE.width - 2 * OPEN_PADDING) / width,
    (FOLD_PANE.height - 2 * OPEN_PADDING) / height,
    OPEN_MAX_ZOOM,
  );

/** How much of dagre's vertical spacing a row keeps, tried in this order: all of it first. */
const SQUEEZES = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0];

/**
 * One row's columns, each column's cards at their centres' distance from the row's first centre
 * times `squeeze`, moved down where that would bring a card closer than `nodeGap` to the one
 * above it. At 1 that is dagre's picture; less brings cards together while every column keeps
 * its order (dagre's, which has few crossings) and most of its alignment. Corners relative to
 * the row's top-left, by node index.
 */
function placeRow(
  columns: readonly number[][],
  corners: readonly [number, number][],
  shapes: readonly CardShape[],
  squeeze: number,
  nodeGap: number,
): { placed: Map<number, [number, number]>; width: number; height: number } {
  const centre = (i: number) => corners[i][1] + shapes[i].height / 2;
  const first = Math.min(...columns.flat().map(centre));
  const left = corners[columns[0][0]][0];
  const placed = new Map<number, [number, number]>();
  for (const column of columns) {
    let below = -Infinity;
    for (const i of [...column].sort((a, b) => corners[a][1] - corners[b][1])) {
      const y = Math.max(first + (centre(i) - first) * squeeze - shapes[i].height / 2, below);
      placed.set(i, [corners[i][0] - left, y]);
      below = y + shapes[i].height + nodeGap;
    }
  }
  const members = [...placed.keys()];
  const top = Math.min(...members.map((i) => placed.get(i)![1]));
  for (const at of placed.values()) at[1] -= top;
  return {
    placed,
    width: Math.max(...members.map((i) => placed.get(i)![0] + shapes[i].width)),
    height: Math.max(...members.map((i) => placed.get(i)![1] + shapes[i].height)),
  };
}

/**
 * The columns laid on `count` rows, an equal number of columns per row (the last may have
 * fewer), each row squeezed by `squeeze` (placeRow), below the one before with ROW_GAP between.
 * The first row keeps dagre's top.
 */
function onRows(
  columns: readonly number[][],
  corners: readonly [number, number][],
  shapes: readonly CardShape[],
  count: number,
  squeeze: number,
  nodeGap: number,
): Folded & { width: number; height: number } {
  const perRow = Math.ceil(columns.length / count);
  const folded: [number, number][] = corners.map(([x, y]) => [x, y]);
  const rows = corners.map(() => 0);
  const bands: Band[] = [];
  let width = 0;
  for (let r = 0; r * perRow < columns.length; r++) {
    const row = placeRow(
      columns.slice(r * perRow, (r + 1) * perRow),
      corners,
      shapes,
      squeeze,
      nodeGap,
    );
    const top = r === 0 ? Math.min(...corners.map(([, y]) => y)) : bands[r - 1].bottom + ROW_GAP;
    for (const [i, [x, y]] of row.placed) {
      folded[i] = [x, top + y];
      rows[i] = r;
    }
    bands.push({ top, bottom: top + row.height });
    width = Math.max(width, row.width);
  }
  return { corners: folded, rows, bands, width, height: bands.at(-1)!.bottom - bands[0].top };
}

/**
 * `corners` (dagre's, left to right) folded into the fewest rows, squeezed least, that show the
 * whole graph at a readable zoom in FOLD_PANE: one row at full spacing is dagre's own picture,
 * kept when it reads whole, and also when nothing up to MAX_ROWS rows would.
 */
export function foldRows(
  corners: readonly [number, number][],
  shapes: readonly CardShape[],
  nodeGap: number,
): Folded {
  if (corners.length === 0) return { corners: [], rows: [], bands: [] };
  const columns = columnsOf(corners, shapes);
  for (let count = 1; count <= Math.min(MAX_ROWS, columns.length); count++) {
    for (const squeeze of SQUEEZES) {
      const folded = onRows(columns, corners, shapes, count, squeeze, nodeGap);
      if (fitZoom(folded.width, folded.height) >= READABLE_ZOOM) return folded;
    }
  }
  return onRows(columns, corners, shapes, 1, 1, nodeGap);
}
