import { describe, expect, it } from "vitest";
import type { CardShape } from "./card";
import { lanePath, laneRoutes } from "./lanes";

/** A card shape with one input `in:a` / `in:b` and one output `out:0`, handles at `at` px. */
const shape = (at = 40): CardShape => ({
  classLine: false,
  rows: [],
  width: 240,
  height: 120,
  handles: [
    { id: "in:a", type: "target", side: "left", x: -4.5, y: at, size: 9 },
    { id: "in:b", type: "target", side: "left", x: -4.5, y: at + 22, size: 9 },
    { id: "out:0", type: "source", side: "right", x: 235.5, y: at, size: 9 },
  ],
});

const card = (id: string, x: number, y: number, row: number) => ({ id, x, y, row, shape: shape() });
const link = (source: string, target: string, input = "a") => ({
  id: `${source}:0->${target}.${input}`,
  source,
  output: 0,
  target,
  input,
});

// Two rows: 0 to 268 and 364 to 484, the lane between them.
const bands = [
  { top: 0, bottom: 268 },
  { top: 364, bottom: 484 },
];
const cards = [
  card("a", 0, 0, 0),
  card("b", 0, 148, 0),
  card("c", 320, 0, 0),
  card("d", 0, 364, 1),
  card("e", 320, 364, 1),
];

describe("laneRoutes", () => {
  const links = [link("a", "c"), link("c", "d"), link("a", "e"), link("b", "e", "b")];
  const routes = laneRoutes(cards, links, bands);

  it("routes only the links from one row to a later one", () => {
    expect([...routes.keys()].sort()).toEqual(["a:0->e.a", "b:0->e.b", "c:0->d.a"]);
  });

  it("runs them down the gap beside the source, along the lane and down before the target", () => {
    for (const l of links.slice(1)) {
      const route = routes.get(l.id)!;
      const from = cards.find((c) => c.id === l.source)!;
      const to = cards.find((c) => c.id === l.target)!;
      expect(route.exitX - (from.x + 240), l.id).toBeGreaterThanOrEqual(12);
      expect(route.exitX - (from.x + 240), l.id).toBeLessThanOrEqual(40);
      expect(to.x - route.entryX, l.id).toBeGreaterThanOrEqual(12);
      expect(to.x - route.entryX, l.id).toBeLessThanOrEqual(40);
      expect(route.laneY, l.id).toBeGreaterThan(268);
      expect(route.laneY, l.id).toBeLessThan(364);
    }
  });

  it("gives every link its own track, the lower source's way down nearest its column", () => {
    const fromA = routes.get("a:0->e.a")!;
    const fromB = routes.get("b:0->e.b")!;
    expect(fromB.exitX).toBeLessThan(fromA.exitX);
    // Into one column: the higher input's way down is nearest.
    expect(fromA.entryX).toBeGreaterThan(fromB.entryX);
    const lanes = [...routes.values()].map((r) => r.laneY);
    expect(new Set(lanes).size).toBe(3);
  });

  it("routes nothing in a graph of one row", () => {
    expect(laneRoutes(cards.slice(0, 3), links.slice(0, 1), bands.slice(0, 1)).size).toBe(0);
  });
});

describe("lanePath", () => {
  it("runs straight between the turns with rounded corners", () => {
    expect(lanePath([0, 0], [0, 100], { exitX: 20, laneY: 50, entryX: -20 })).toBe(
      "M 0 0 L 10 0 Q 20 0 20 10 L 20 40 Q 20 50 10 50 L -10 50 Q -20 50 -20 60" +
        " L -20 90 Q -20 100 -10 100 L 0 100",
    );
  });

  it("rounds less where a segment is short", () => {
    const d = lanePath([0, 0], [0, 100], { exitX: 4, laneY: 50, entryX: -20 });
    expect(d.startsWith("M 0 0 L 2 0 Q 4 0 4 2 ")).toBe(true);
  });
});
