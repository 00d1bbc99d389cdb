import { describe, expect, it } from "vitest";
import type { NodeDoc } from "../../bindings/NodeDoc";
import { referenceDoc } from "../../testing/reference";
import { editorPositions, layoutGraph, linksOf, type PlacedNode } from "./layout";

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

const at = (n: NodeDoc, x: number, y: number): NodeDoc => ({ ...n, position: [x, y] });

function overlapping(nodes: readonly PlacedNode[]): string[] {
  const found: string[] = [];
  for (const a of nodes) {
    for (const b of nodes) {
      if (a === b) continue;
      const apart =
        a.x + a.shape.width <= b.x ||
        b.x + b.shape.width <= a.x ||
        a.y + a.shape.height <= b.y ||
        b.y + b.shape.height <= a.y;
      if (!apart) found.push(`${a.node.id}/${b.node.id}`);
    }
  }
  return found;
}

const byId = (nodes: readonly PlacedNode[]) => new Map(nodes.map((p) => [p.node.id, p]));

describe("linksOf", () => {
  it("lists links with stable ids and reports those to missing nodes", () => {
    const { links, dangling } = linksOf([node("a"), node("b", ["a", 2], "ghost")]);
    expect(links).toEqual([
      { id: "a:2->b.in0", source: "a", output: 2, target: "b", input: "in0" },
    ]);
    expect(dangling).toEqual([{ source: "ghost", target: "b", input: "in1" }]);
  });
});

describe("editorPositions", () => {
  it("is null unless every node has a position", () => {
    expect(editorPositions([at(node("a"), 1, 2), node("b")])).toBeNull();
    expect(editorPositions([])).toBeNull();
    expect(editorPositions([{ ...node("a"), position: [Number.NaN, 0] }])).toBeNull();
    expect(editorPositions([at(node("a"), 1, 2)])?.get("a")).toEqual([1, 2]);
  });
});

describe("layoutGraph", () => {
  it("returns nothing for an empty graph", () => {
    expect(layoutGraph([])).toEqual({
      nodes: [],
      links: [],
      dangling: [],
      source: "auto",
      routes: new Map(),
    });
  });

  it("uses the editor's positions when every node has one", () => {
    const l = layoutGraph([at(node("a"), 10, 20), at(node("b", "a"), -300, 40.5)]);
    expect(l.source).toBe("editor");
    expect(l.nodes.map((p) => [p.node.id, p.x, p.y])).toEqual([
      ["a", 10, 20],
      ["b", -300, 40.5],
    ]);
  });

  it("pushes editor cards down where Easel's taller cards would overlap", () => {
    // As in the corpus SDXL example: two prompt encoders 90 apart (54 high in the editor, 120
    // here) and a sampler to their right.
    const encoder = (id: string) => ({ ...node(id, "ckpt"), classType: "CLIPTextEncode" });
    const l = layoutGraph([
      at(node("ckpt"), -400, 0),
      at(encoder("pos"), 0, 0),
      at(encoder("neg"), 0, 90),
      at(node("sampler", "pos", "neg"), 400, 40),
    ]);
    expect(l.source).toBe("editor");
    const p = byId(l.nodes);
    expect(p.get("pos")!.shape.height).toBeGreaterThan(90);
    expect(p.get("neg")!.y).toBe(p.get("pos")!.shape.height + 16);
    expect(l.nodes.map((n) => n.x)).toEqual([-400, 0, 0, 400]);
    expect([p.get("ckpt")!.y, p.get("pos")!.y, p.get("sampler")!.y]).toEqual([0, 0, 40]);
    expect(overlapping(l.nodes)).toEqual([]);
  });

  it("lays out with dagre, left to right, when a position is missing", () => {
    const l = layoutGraph([at(node("a"), 5000, 5000), node("b", "a"), node("c", "b")]);
    expect(l.source).toBe("auto");
    const p = byId(l.nodes);
    expect(p.get("a")!.x).not.toBe(5000);
    // Each rank is to the right of the one it feeds from.
    expect(p.get("b")!.x).toBeGreaterThan(p.get("a")!.x + p.get("a")!.shape.width);
    expect(p.get("c")!.x).toBeGreaterThan(p.get("b")!.x + p.get("b")!.shape.width);
    expect(overlapping(l.nodes)).toEqual([]);
  });

  it("keeps the nodes in file order", () => {
    const l = layoutGraph([node("z", "y"), node("y")]);
    expect(l.nodes.map((p) => p.node.id)).toEqual(["z", "y"]);
  });

  it("gives the same picture for the same graph", () => {
    const doc = referenceDoc();
    const strip = (l: ReturnType<typeof layoutGraph>) =>
      l.nodes.map((p) => [p.node.id, p.x, p.y, p.shape.height]);
    expect(strip(layoutGraph(doc.nodes))).toEqual(strip(layoutGraph(referenceDoc().nodes)));
  });

  it("tolerates cycles, self links and links to missing nodes", () => {
    const nodes = [node("a", "c"), node("b", "a"), node("c", "b"), node("s", "s"), node("x", "?")];
    const l = layoutGraph(nodes);
    expect(l.nodes).toHaveLength(5);
    for (const p of l.nodes) expect([p.x, p.y].every(Number.isFinite)).toBe(true);
    expect(l.links).toHaveLength(4);
    expect(l.dangling).toEqual([{ source: "?", target: "x", input: "in0" }]);
    expect(overlapping(l.nodes)).toEqual([]);
  });

  it("does not trip over ids that are names of built-ins", () => {
    const l = layoutGraph([node("constructor"), node("__proto__", "constructor")]);
    const p = byId(l.nodes);
    expect(p.get("__proto__")!.x).toBeGreaterThan(p.get("constructor")!.x);
  });

  it("folds the reference workflow into two rows, links right within a row, down between", () => {
    const doc = referenceDoc();
    const l = layoutGraph(doc.nodes);
    expect(l.nodes).toHaveLength(11);
    expect(l.links).toHaveLength(18);
    expect(overlapping(l.nodes)).toEqual([]);
    const p = byId(l.nodes);
    // The checkpoint's row and the row of the second pass, one under the other.
    expect(p.get("16")!.x).toBe(p.get("4")!.x);
    expect(p.get("16")!.y).toBeGreaterThan(p.get("5")!.y + p.get("5")!.shape.height);
    for (const link of l.links) {
      const from = p.get(link.source)!;
      const to = p.get(link.target)!;
      const route = l.routes.get(link.id);
      if (!route) {
        expect(to.x, link.id).toBeGreaterThan(from.x + from.shape.width);
        continue;
      }
      expect(route.exitX, link.id).toBeGreaterThan(from.x + from.shape.width);
      expect(route.laneY, link.id).toBeGreaterThan(from.y + from.shape.height);
      expect(route.laneY, link.id).toBeLessThan(to.y);
      expect(route.entryX, link.id).toBeLessThan(to.x);
    }
    expect([...l.routes.keys()].sort()).toEqual([
      "3:0->16.samples",
      "4:0->17.model",
      "4:2->18.vae",
      "6:0->17.positive",
      "7:0->17.negative",
    ]);
  });

  it("routes no link of an editor-positioned graph", () => {
    const doc = referenceDoc();
    doc.nodes.forEach((n, i) => (n.position = [i * 300, 0]));
    expect(layoutGraph(doc.nodes).routes.size).toBe(0);
  });

  it("lays out a 120-node graph", () => {
    // Eight columns of fifteen, each node fed by two of the column before.
    const feeds = (i: number) => (i < 15 ? [] : [String(i - 15), String(i - 15 - (i % 15 && 1))]);
    const nodes = Array.from({ length: 120 }, (_, i) => node(String(i), ...feeds(i)));
    const l = layoutGraph(nodes);
    expect(l.nodes).toHaveLength(120);
    expect(l.links).toHaveLength(210);
    expect(overlapping(l.nodes)).toEqual([]);
  });
});
