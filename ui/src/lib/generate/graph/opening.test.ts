import { describe, expect, it } from "vitest";
import type { NodeDoc } from "../../bindings/NodeDoc";
import { referenceDoc } from "../../testing/reference";
import type { View } from "./follow";
import { layoutGraph } from "./layout";
import {
  boundsOf,
  layoutOpening,
  OPEN_PADDING,
  openingView,
  outputCards,
  READABLE_ZOOM,
} from "./opening";
import type { Box } from "./overlap";

/** `box` on screen under `view`. */
const onScreen = (box: Box, view: View): Box => ({
  x: box.x * view.zoom + view.x,
  y: box.y * view.zoom + view.y,
  width: box.width * view.zoom,
  height: box.height * view.zoom,
});

/** Whether `box` is wholly inside a pane of `pane` size under `view`. */
function inView(box: Box, view: View, pane: { width: number; height: number }): boolean {
  const s = onScreen(box, view);
  const eps = 1e-9;
  return (
    s.x >= -eps &&
    s.y >= -eps &&
    s.x + s.width <= pane.width + eps &&
    s.y + s.height <= pane.height + eps
  );
}

const node = (id: string, classType: string, ...sources: string[]): NodeDoc => ({
  id,
  classType,
  title: null,
  extra: {},
  inputs: sources.map((s, i) => ({ kind: "link", name: `in${i}`, node: s, output: 0 })),
});

describe("boundsOf", () => {
  it("is the smallest box around all boxes, or null for none", () => {
    expect(boundsOf([])).toBeNull();
    expect(
      boundsOf([
        { x: 10, y: -5, width: 20, height: 10 },
        { x: -3, y: 0, width: 5, height: 30 },
      ]),
    ).toEqual({ x: -3, y: -5, width: 33, height: 35 });
  });
});

describe("openingView", () => {
  const pane = { width: 1000, height: 600 };

  it("waits for a pane with a size and a graph", () => {
    const graph = { x: 0, y: 0, width: 100, height: 100 };
    expect(openingView({ width: 0, height: 600 }, graph, null)).toBeNull();
    expect(openingView({ width: 1000, height: 0 }, graph, null)).toBeNull();
    expect(openingView(pane, null, null)).toBeNull();
  });

  it("shows a graph that fits at a readable zoom whole and centred", () => {
    const graph = { x: 100, y: 50, width: 2000, height: 400 };
    const view = openingView(pane, graph, { x: 1900, y: 50, width: 200, height: 100 })!;
    expect(view.zoom).toBeCloseTo((1000 - 2 * OPEN_PADDING) / 2000);
    expect(view.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(view.x).toBeCloseTo(OPEN_PADDING - 100 * view.zoom);
    expect(view.y).toBeCloseTo(300 - 250 * view.zoom);
    expect(inView(graph, view, pane)).toBe(true);
  });

  it("never opens larger than life", () => {
    const view = openingView(pane, { x: 0, y: 0, width: 240, height: 120 }, null)!;
    expect(view).toEqual({ x: 380, y: 240, zoom: 1 });
  });

  it("opens a graph too wide to read whole at the readable zoom, outputs in view", () => {
    const graph = { x: 0, y: 0, width: 4000, height: 500 };
    const outputs = { x: 3760, y: 0, width: 240, height: 120 };
    const view = openingView(pane, graph, outputs)!;
    expect(view.zoom).toBe(READABLE_ZOOM);
    expect(inView(outputs, view, pane)).toBe(true);
    // The graph's right end sits at the padding, not in the middle of empty space.
    expect(onScreen(graph, view).x + 4000 * READABLE_ZOOM).toBeCloseTo(1000 - OPEN_PADDING);
    // Short enough on the other axis: centred there.
    expect(view.y).toBeCloseTo(300 - 250 * READABLE_ZOOM);
  });

  it("centres outputs in the middle of a big graph", () => {
    const graph = { x: 0, y: 0, width: 4000, height: 4000 };
    const outputs = { x: 1880, y: 1940, width: 240, height: 120 };
    const view = openingView(pane, graph, outputs)!;
    expect(view).toEqual({
      x: 500 - 2000 * READABLE_ZOOM,
      y: 300 - 2000 * READABLE_ZOOM,
      zoom: 0.4,
    });
  });

  it("falls back to the graph's own middle without outputs", () => {
    const graph = { x: 0, y: 0, width: 4000, height: 500 };
    expect(openingView(pane, graph, null)!.x).toBeCloseTo(500 - 2000 * READABLE_ZOOM);
  });
});

describe("outputCards", () => {
  it("are the SaveImage and PreviewImage cards", () => {
    const l = layoutGraph([
      node("1", "Load"),
      node("2", "SaveImage", "1"),
      node("3", "PreviewImage", "1"),
      node("4", "Other", "1"),
    ]);
    expect(outputCards(l)).toHaveLength(2);
    const byId = new Map(l.nodes.map((p) => [p.node.id, p]));
    expect(outputCards(l).map((b) => b.y)).toEqual([byId.get("2")!.y, byId.get("3")!.y]);
  });

  it("are the cards no link leaves when nothing saves an image", () => {
    const l = layoutGraph([
      node("1", "Load"),
      node("2", "Mid", "1"),
      node("3", "VHS_VideoCombine", "2"),
    ]);
    const end = l.nodes.find((p) => p.node.id === "3")!;
    expect(outputCards(l)).toEqual([
      { x: end.x, y: end.y, width: end.shape.width, height: end.shape.height },
    ]);
  });
});

describe("the reference workflow", () => {
  const layout = layoutGraph(referenceDoc().nodes);
  const card = (id: string) => {
    const p = layout.nodes.find((n) => n.node.id === id)!;
    return { x: p.x, y: p.y, width: p.shape.width, height: p.shape.height };
  };

  it("opens whole, checkpoint to SaveImage, in the default window's graph pane", () => {
    // Unfolded, its 9 columns are 2800 px wide and read whole only from a 1184 px pane; folded
    // into two rows (fold.ts) they fit both the pane measured at 1280 × 800 and a shorter one.
    for (const pane of [
      { width: 940, height: 640 },
      { width: 939, height: 703 },
    ]) {
      const view = layoutOpening(pane, layout)!;
      expect(view.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
      for (const p of layout.nodes) {
        expect(inView(card(p.node.id), view, pane), `${p.node.id} in ${pane.width}`).toBe(true);
      }
    }
  });

  it("opens on its SaveImage end at the readable zoom in a pane too narrow for all of it", () => {
    const pane = { width: 600, height: 640 };
    const view = layoutOpening(pane, layout)!;
    expect(view.zoom).toBe(READABLE_ZOOM);
    for (const id of ["9", "18", "3"]) expect(inView(card(id), view, pane), id).toBe(true);
    expect(inView(card("4"), view, pane)).toBe(false);
  });
});
