import { describe, expect, it } from "vitest";
import type { NodeDoc } from "../bindings/NodeDoc";
import { referenceDoc } from "../testing/reference";
import { computeLayers, DEFAULT_GEOMETRY, layoutGraph, type Geometry } from "./layout";

function node(id: string, ...sources: (string | [string, number])[]): NodeDoc {
  return {
    id,
    classType: `C${id}`,
    title: null,
    extra: {},
    inputs: [
      { kind: "value", name: "v", value: 1 },
      ...sources.map((s, i) => {
        const [src, output] = typeof s === "string" ? [s, 0] : s;
        return { kind: "link" as const, name: `in${i}`, node: src, output };
      }),
    ],
  };
}

const G: Geometry = { cardWidth: 100, cardHeight: 40, gapX: 50, gapY: 10, margin: 5 };

describe("computeLayers", () => {
  it("puts sourceless nodes at 0 and others one past their deepest source", () => {
    const layers = computeLayers([node("a"), node("b", "a"), node("c", "a", "b"), node("d")]);
    expect(Object.fromEntries(layers)).toEqual({ a: 0, b: 1, c: 2, d: 0 });
  });

  it("does not depend on file order", () => {
    const layers = computeLayers([node("c", "b"), node("b", "a"), node("a")]);
    expect(Object.fromEntries(layers)).toEqual({ a: 0, b: 1, c: 2 });
  });

  it("survives cycles and self links", () => {
    const layers = computeLayers([node("a", "c"), node("b", "a"), node("c", "b"), node("s", "s")]);
    expect(layers.size).toBe(4);
    expect(layers.get("s")).toBe(0);
    for (const d of layers.values()) expect(Number.isFinite(d)).toBe(true);
  });

  it("ignores links to missing nodes", () => {
    expect(computeLayers([node("a", "ghost")]).get("a")).toBe(0);
  });

  it("lays the reference workflow out in 9 columns", () => {
    const layers = Object.fromEntries(computeLayers(referenceDoc().nodes));
    expect(layers).toEqual({
      "4": 0,
      "5": 0,
      "10": 1,
      "14": 2,
      "6": 3,
      "7": 3,
      "3": 4,
      "16": 5,
      "17": 6,
      "18": 7,
      "9": 8,
    });
  });
});

describe("layoutGraph", () => {
  it("returns an empty picture for an empty graph", () => {
    expect(layoutGraph([])).toEqual({
      nodes: [],
      edges: [],
      dangling: [],
      width: 0,
      height: 0,
      layers: 0,
    });
  });

  it("places columns by layer and rows inside a column", () => {
    const l = layoutGraph([node("a"), node("b"), node("c", "a", "b")], G);
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n]));
    expect(at.a).toMatchObject({ layer: 0, row: 0, x: 5, y: 5 });
    expect(at.b).toMatchObject({ layer: 0, row: 1, x: 5, y: 55 });
    // The lone node in column 1 is centred against the two in column 0.
    expect(at.c).toMatchObject({ layer: 1, row: 0, x: 155, y: 30 });
    expect(l.width).toBe(5 + 100 + 50 + 100 + 5);
    expect(l.height).toBe(5 + 40 + 10 + 40 + 5);
    expect(l.layers).toBe(2);
  });

  it("keeps nodes in file order in the result", () => {
    const l = layoutGraph([node("z", "y"), node("y")], G);
    expect(l.nodes.map((n) => n.id)).toEqual(["z", "y"]);
  });

  it("orders a column by the rows of its sources", () => {
    // Column 1 in file order is [fromB, fromA]; sorting by source row gives [fromA, fromB].
    const l = layoutGraph([node("a"), node("b"), node("fromB", "b"), node("fromA", "a")], G);
    const rows = Object.fromEntries(l.nodes.map((n) => [n.id, n.row]));
    expect(rows).toMatchObject({ fromA: 0, fromB: 1 });
  });

  it("routes every link from the source's right side to the target's left side", () => {
    const l = layoutGraph([node("a"), node("b", ["a", 0], ["a", 2])], G);
    expect(l.edges).toHaveLength(2);
    const [e0, e1] = l.edges;
    expect(e0).toMatchObject({ key: "a:0->b.in0", source: "a", output: 0, target: "b" });
    expect(e0.x1).toBe(5 + 100);
    expect(e0.x2).toBe(155);
    // Two outputs spread down the source, two inputs down the target.
    expect(e0.y1).toBeCloseTo(5 + 40 / 3);
    expect(e1.y1).toBeCloseTo(5 + (2 * 40) / 3);
    expect(e0.y2).toBeCloseTo(5 + 40 / 3);
    expect(e1.y2).toBeCloseTo(5 + (2 * 40) / 3);
    expect(e0.path).toMatch(/^M 105 \S+ C /);
    expect(e0.path.endsWith(`155 ${e0.y2}`)).toBe(true);
  });

  it("reports links to missing nodes instead of drawing them", () => {
    const l = layoutGraph([node("a", "ghost")], G);
    expect(l.edges).toEqual([]);
    expect(l.dangling).toEqual([{ target: "a", input: "in0", source: "ghost" }]);
  });

  it("lays out the reference workflow without overlaps", () => {
    const doc = referenceDoc();
    const l = layoutGraph(doc.nodes);
    expect(l.nodes).toHaveLength(11);
    const linkCount = doc.nodes.flatMap((n) => n.inputs).filter((i) => i.kind === "link").length;
    expect(l.edges).toHaveLength(linkCount);
    const { cardWidth: w, cardHeight: h } = DEFAULT_GEOMETRY;
    for (const a of l.nodes) {
      expect(a.x + w).toBeLessThanOrEqual(l.width);
      expect(a.y + h).toBeLessThanOrEqual(l.height);
      for (const b of l.nodes) {
        if (a === b) continue;
        const overlap = a.x < b.x + w && b.x < a.x + w && a.y < b.y + h && b.y < a.y + h;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      }
    }
    // Every link goes left to right.
    for (const e of l.edges) expect(e.x2).toBeGreaterThan(e.x1);
  });
});
