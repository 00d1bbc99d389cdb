// Geometry of the windowed gallery grid: how many square cells fit a width, how tall the whole
// list is, and which rows a scroll position shows. Pure numbers; Grid.svelte only applies them.
// Leaves out variable-size cells: every cell is the same square, so a row's position is a product.

/** Smallest cell side, in CSS pixels; cells grow from there to fill the width exactly. */
export const MIN_CELL = 180;
/** Space between cells. */
export const GAP = 6;
/** Rows rendered above and below the visible ones, so fast scrolling rarely shows empty space. */
export const OVERSCAN = 2;

export type Geometry = {
  columns: number;
  /** Cell side in whole pixels (fractional sizes blur thumbnails). */
  cell: number;
  gap: number;
  /** Cell plus gap: the distance between the tops of two rows. */
  rowHeight: number;
};

/** The columns and cell size for a container `width` pixels wide. */
export function geometry(width: number, minCell = MIN_CELL, gap = GAP): Geometry {
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (minCell + gap)));
  const cell = Math.max(1, Math.floor((usable - gap * (columns - 1)) / columns));
  return { columns, cell, gap, rowHeight: cell + gap };
}

/** Rows needed for `count` items. */
export function rowCount(count: number, columns: number): number {
  return Math.ceil(Math.max(0, count) / columns);
}

/** Height of the whole list; the scrollbar is right because it depends only on the count. */
export function listHeight(count: number, g: Geometry): number {
  const rows = rowCount(count, g.columns);
  return rows === 0 ? 0 : rows * g.rowHeight - g.gap;
}

export type RowWindow = {
  /** First rendered row. */
  first: number;
  /** One past the last rendered row. */
  end: number;
};

/** The rows to render for a viewport `height` pixels tall scrolled to `scrollTop`. */
export function rowWindow(
  scrollTop: number,
  height: number,
  rows: number,
  rowHeight: number,
  overscan = OVERSCAN,
): RowWindow {
  if (rows === 0) return { first: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const firstVisible = Math.min(rows - 1, Math.floor(top / rowHeight));
  const lastVisible = Math.floor((top + Math.max(0, height - 1)) / rowHeight);
  return {
    first: Math.max(0, firstVisible - overscan),
    end: Math.min(rows, lastVisible + 1 + overscan),
  };
}

/** The `scrollTop` that brings row `row` fully into view, or null when it already is. */
export function scrollToRow(
  row: number,
  scrollTop: number,
  height: number,
  g: Geometry,
): number | null {
  const top = row * g.rowHeight;
  const bottom = top + g.cell;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + height) return Math.max(0, bottom - height);
  return null;
}
