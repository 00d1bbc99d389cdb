// Every workflow of the shared corpus laid out, editor positions or dagre, with no two cards
// overlapping, links between folded rows clear of every card, and the wide graphs that folding
// makes readable opening whole. The corpus is read, never written; a missing folder fails the
// file (corpus.ts).
import { describe, expect, it } from "vitest";
import { corpusGraphs } from "../../testing/corpus";
import { layoutGraph, type GraphLayout, type PlacedNode } from "./layout";
import { layoutOpening, READABLE_ZOOM } from "./opening";
import { intersects, type Box } from "./overlap";

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

  it.each(graphs.filter((g) => g.form === "api").map((g) => [g.file, g] as const))(
    "%s runs its links between rows clear of every card",
    (name, graph) => {
      const layout = layoutGraph(graph.nodes);
      const cut = laneSegments(layout).flatMap(([id, segment]) =>
        layout.nodes.filter((p) => intersects(segment, box(p))).map((p) => `${id} / ${p.node.id}`),
      );
      expect(cut, `${name}: links through cards`).toEqual([]);
    },
  );

  // Each 2480–3120 px wide in one row (9 ranks or so), too wide for the pane at zoom 0.4.
  it.each([
    "api/animatediff_legacy_ipadapterapply.json",
    "api/controlnet_pose_two_pass_png.json",
    "api/hiresfix_esrgan_upscale_model.json",
    "api/vid2vid_controlnet_dwpose_22_nodes.json",
  ])("%s folds into rows and opens whole in the default window's pane", (file) => {
    const layout = layoutGraph(graphs.find((g) => g.file === file)!.nodes);
    expect(layout.routes.size).toBeGreaterThan(0);
    const pane = { width: 940, height: 640 };
    const view = layoutOpening(pane, layout)!;
    expect(view.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    for (const p of layout.nodes) {
      const left = p.x * view.zoom + view.x;
      const top = p.y * view.zoom + view.y;
      expect(left, p.node.id).toBeGreaterThanOrEqual(0);
      expect(top, p.node.id).toBeGreaterThanOrEqual(0);
      expect(left + p.shape.width * view.zoom, p.node.id).toBeLessThanOrEqual(pane.width);
      expect(top + p.shape.height * view.zoom, p.node.id).toBeLessThanOrEqual(pane.height);
    }
  });
});

/** The straight runs of every lane-routed link, as zero-width or zero-height boxes. */
function laneSegments(layout: GraphLayout): [string, Box][] {
  const byId = new Map(layout.nodes.map((p) => [p.node.id, p]));
  const handleY = (p: PlacedNode, id: string) => {
    const h = p.shape.handles.find((handle) => handle.id === id)!;
    return p.y + h.y + h.size / 2;
  };
  const run = (x1: number, y1: number, x2: number, y2: number): Box => ({
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    width: Math.abs(x2 - x1),
    height: Math.abs(y2 - y1),
  });
  return layout.links.flatMap((l): [string, Box][] => {
    const route = layout.routes.get(l.id);
    if (!route) return [];
    const from = byId.get(l.source)!;
    const to = byId.get(l.target)!;
    const fromY = handleY(from, `out:${l.output}`);
    const toY = handleY(to, `in:${l.input}`);
    const { exitX, laneY, entryX } = route;
    return [
      run(from.x + from.shape.width, fromY, exitX, fromY),
      run(exitX, fromY, exitX, laneY),
      run(exitX, laneY, entryX, laneY),
      run(entryX, laneY, entryX, toY),
      run(entryX, toY, to.x, toY),
    ].map((segment) => [l.id, segment]);
  });
}
