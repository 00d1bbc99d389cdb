import { describe, expect, it } from "vitest";
import type { CardShape } from "./card";
import { columnsOf, FOLD_PANE, foldRows, ROW_GAP } from "./fold";
import { OPEN_PADDING, READABLE_ZOOM } from "./opening";
import { intersects } from "./overlap";

const GAP = 28;
const shape = (height = 120): CardShape => ({
  classLine: false,
  rows: [],
  handles: [],
  width: 240,
  height,
});

/** `count` columns 320 apart with one card each at y = 0, as dagre lays out a chain. */
const chain = (count: number): [number, number][] =>
  Array.from({ length: count }, (_, i) => [i * 320, 0]);

/** Whether the boxes of `corners` fit FOLD_PANE whole at the readable zoom. */
function readsWhole(corners: readonly [number, number][], shapes: readonly CardShape[]): boolean {
  const right = Math.max(...corners.map(([x], i) => x + shapes[i].width));
  const bottom = Math.max(...corners.map(([, y], i) => y + shapes[i].height));
  const left = Math.min(...corners.map(([x]) => x));
  const top = Math.min(...corners.map(([, y]) => y));
  return (
    (FOLD_PANE.width - 2 * OPEN_PADDING) / (right - left) >= READABLE_ZOOM &&
    (FOLD_PANE.height - 2 * OPEN_PADDING) / (bottom - top) >= READABLE_ZOOM
  );
}

function overlaps(corners: readonly [number, number][], shapes: readonly CardShape[]): number {
  const boxes = corners.map(([x, y], i) => ({
    x,
    y,
    width: shapes[i].width,
    height: shapes[i].height,
  }));
  return boxes.filter((a, i) => boxes.some((b, j) => i < j && intersects(a, b))).length;
}

describe("columnsOf", () => {
  it("groups cards by their centre x, left to right, in input order within a column", () => {
    const corners: [number, number][] = [
      [320, 0],
      [0, 50],
      [320, 200],
      [640, 0],
    ];
    expect(
      columnsOf(
        corners,
        corners.map(() => shape()),
      ),
    ).toEqual([[1], [0, 2], [3]]);
  });
});

describe("foldRows", () => {
  it("has nothing to fold in an empty graph", () => {
    expect(foldRows([], [], GAP)).toEqual({ corners: [], rows: [], bands: [] });
  });

  it("keeps dagre's picture when it reads whole", () => {
    const corners: [number, number][] = [...chain(4), [320, 148]];
    const shapes = corners.map(() => shape());
    const folded = foldRows(corners, shapes, GAP);
    expect(folded.corners).toEqual(corners);
    expect(folded.rows).toEqual([0, 0, 0, 0, 0]);
    expect(folded.bands).toEqual([{ top: 0, bottom: 268 }]);
  });

  it("folds a chain too wide to read into the fewest rows that read whole", () => {
    // 12 columns are 3760 px wide; the pane reads 2190 at zoom 0.4: two rows of six.
    const corners = chain(12);
    const shapes = corners.map(() => shape());
    const folded = foldRows(corners, shapes, GAP);
    expect(folded.rows).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(folded.corners.slice(6)).toEqual(chain(6).map(([x]) => [x, 120 + ROW_GAP]));
    expect(folded.bands).toEqual([
      { top: 0, bottom: 120 },
      { top: 120 + ROW_GAP, bottom: 240 + ROW_GAP },
    ]);
    expect(readsWhole(folded.corners, shapes)).toBe(true);
    expect(overlaps(folded.corners, shapes)).toBe(0);
  });

  it("brings cards dagre spread too far apart closer, keeping each column's order", () => {
    // 1720 px tall; the pane reads 1440: 0.8 of dagre's spacing is the most that fits.
    const corners: [number, number][] = [
      [0, 0],
      [0, 1600],
      [320, 800],
    ];
    const shapes = corners.map(() => shape());
    const folded = foldRows(corners, shapes, GAP);
    expect(folded.rows).toEqual([0, 0, 0]);
    expect(folded.corners).toEqual([
      [0, 0],
      [0, 1280],
      [320, 640],
    ]);
  });

  it("never brings two cards of a column closer than the gap", () => {
    const shapes = [shape(), shape(), shape(1300)];
    const corners: [number, number][] = [
      [0, 0],
      [0, 120 + GAP],
      [320, 900],
    ];
    const folded = foldRows(corners, shapes, GAP);
    expect(folded.corners[1][1] - folded.corners[0][1]).toBeGreaterThanOrEqual(120 + GAP);
    expect(folded.corners[2][1]).toBeLessThan(900);
    expect(readsWhole(folded.corners, shapes)).toBe(true);
    expect(overlaps(folded.corners, shapes)).toBe(0);
  });

  it("leaves a graph no fold makes readable as dagre had it", () => {
    // 60 columns: even four rows of 15 are 4720 px wide.
    const corners = chain(60);
    const folded = foldRows(
      corners,
      corners.map(() => shape()),
      GAP,
    );
    expect(folded.corners).toEqual(corners);
    expect(new Set(folded.rows)).toEqual(new Set([0]));
  });
});
