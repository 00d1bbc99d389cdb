// Every workflow of the shared corpus laid out, editor positions or dagre, with no two cards
// overlapping. The corpus is read, never written; a missing folder fails the file (corpus.ts).
import { describe, expect, it } from "vitest";
import { corpusGraphs } from "../../testing/corpus";
import { layoutGraph, type PlacedNode } from "./layout";
import { intersects } from "./overlap";

const graphs = corpusGraphs();
const box = (p: PlacedNode) => ({ x: p.x, y: p.y, width: p.shape.width, height: p.shape.height });

/** Every overlapping pair, named by node id and class. */
function overlaps(nodes: readonly PlacedNode[]): string[] {
  const found: string[] = [];
  nodes.forEach((a, i) =>
    nodes.slice(i + 1).forEach((b) => {
      if (intersects(box(a), box(b))) {
        found.push(`${a.node.id} (${a.node.classType}) and ${b.node.id} (${b.node.classType})`);
      }
    }),
  );
  return found;
}

describe("the corpus", () => {
  it("has editor and API graphs to lay out", () => {
    expect(graphs.filter((g) => g.form === "editor").length).toBeGreaterThan(10);
    expect(graphs.filter((g) => g.form === "api").length).toBeGreaterThan(10);
  });

  it.each(graphs.map((g) => [`${g.file} (${g.form})`, g] as const))(
    "%s lays out with no two cards overlapping",
    (name, graph) => {
      const layout = layoutGraph(graph.nodes);
      expect(layout.nodes).toHaveLength(graph.nodes.length);
      const pairs = overlaps(layout.nodes);
      expect(pairs, `${name}: cards overlap: ${pairs.join("; ")}`).toHaveLength(0);
      // Positions kept as far as they can be: an editor graph's columns never move.
      expect(layout.source).toBe(graph.form === "editor" ? "editor" : "auto");
      for (const p of layout.nodes) {
        if (p.node.position) expect(p.x, `${name}: node ${p.node.id}`).toBe(p.node.position[0]);
      }
    },
  );
});
