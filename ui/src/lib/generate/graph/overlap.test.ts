import { describe, expect, it } from "vitest";
import { intersects, pushApart, PUSH_GAP, type Box } from "./overlap";

const box = (x: number, y: number, width = 240, height = 120): Box => ({ x, y, width, height });

/** The boxes at the tops pushApart gives them. */
const placed = (boxes: Box[]) => pushApart(boxes).map((y, i) => ({ ...boxes[i], y }));

function overlapping(boxes: readonly Box[]): [number, number][] {
  const found: [number, number][] = [];
  boxes.forEach((a, i) =>
    boxes.forEach((b, j) => {
      if (i < j && intersects(a, b)) found.push([i, j]);
    }),
  );
  return found;
}

describe("intersects", () => {
  it("counts shared area only, not touching edges", () => {
    expect(intersects(box(0, 0), box(239, 119))).toBe(true);
    expect(intersects(box(0, 0), box(240, 0))).toBe(false);
    expect(intersects(box(0, 0), box(0, 120))).toBe(false);
    expect(intersects(box(0, 0, 10, 10), box(2, 2, 2, 2))).toBe(true);
  });
});

describe("pushApart", () => {
  it("leaves boxes that do not overlap where they are", () => {
    const boxes = [box(0, 0), box(0, 120), box(240, 10), box(-500, -500)];
    expect(pushApart(boxes)).toEqual([0, 120, 10, -500]);
  });

  it("moves the lower of two stacked cards just below the upper one", () => {
    // The SDXL example's two prompt encoders: 90 apart in the file, Easel's cards are 120 high.
    const tops = pushApart([box(1139, -31.8), box(1139, -121.8)]);
    expect(tops).toEqual([-121.8 + 120 + PUSH_GAP, -121.8]);
  });

  it("takes the cards under a pushed one along, keeping the column's order", () => {
    const column = [box(0, 0), box(0, 90), box(0, 230), box(0, 400)];
    const tops = pushApart(column);
    expect(tops).toEqual([0, 136, 272, 400]);
    expect(overlapping(placed(column))).toEqual([]);
  });

  it("never lifts a card above a column-mate that was pushed below it", () => {
    // b is pushed under a; c (in b's column, not a's) started below b and must stay below it.
    const tops = pushApart([box(0, 0), box(200, 90), box(400, 100, 240, 20)]);
    expect(tops[1]).toBe(136);
    expect(tops[2]).toBeGreaterThanOrEqual(tops[1]);
  });

  it("never moves a card sideways or up", () => {
    const boxes = Array.from({ length: 40 }, (_, i) =>
      box((i * 97) % 500, (i * 53) % 300, 240, 60 + (i % 5) * 30),
    );
    const after = placed(boxes);
    after.forEach((b, i) => {
      expect(b.x).toBe(boxes[i].x);
      expect(b.y).toBeGreaterThanOrEqual(boxes[i].y);
    });
    expect(overlapping(after)).toEqual([]);
  });

  it("separates cards put exactly on top of each other in file order", () => {
    expect(pushApart([box(5, 5), box(5, 5), box(5, 5)])).toEqual([5, 141, 277]);
  });

  it("gives the same tops for the same boxes in any input order", () => {
    const boxes = [box(0, 0), box(100, 50), box(30, 80), box(400, 60), box(410, 100)];
    const tops = pushApart(boxes);
    const reversed = pushApart([...boxes].reverse()).reverse();
    expect(reversed).toEqual(tops);
    expect(pushApart(boxes)).toEqual(tops);
  });
});
