import { describe, expect, it } from "vitest";
import { IDLE, nodeState, reduceRun, type NodeRun, type RunState } from "../../run/reduce";
import { referenceDoc } from "../../testing/reference";
import { linkLook, toFlow, type GraphLive } from "./flow";
import { layoutGraph } from "./layout";

/** How the graph reads a run: node by node. */
const nodesOf =
  (run: RunState) =>
  (id: string): NodeRun =>
    nodeState(run, id);
const idle = nodesOf(IDLE);

function running(done: string[], current: string): (id: string) => NodeRun {
  let run = reduceRun(IDLE, { kind: "queued", nodes: [...done, current, "z"] });
  for (const id of done) {
    run = reduceRun(run, { kind: "node", nodeId: id, status: "done", progress: 1, overall: 0 });
  }
  return nodesOf(
    reduceRun(run, {
      kind: "node",
      nodeId: current,
      status: "running",
      progress: 0.5,
      overall: 0,
    }),
  );
}

describe("linkLook", () => {
  const link = { source: "a", target: "b" };

  it("lights links that touch the selected node", () => {
    expect(linkLook(link, idle, "a").hot).toBe(true);
    expect(linkLook(link, idle, "b").hot).toBe(true);
    expect(linkLook(link, idle, "c").hot).toBe(false);
    expect(linkLook(link, idle, null).hot).toBe(false);
  });

  it("flows while the source is done and the target runs, then is done", () => {
    expect(linkLook(link, idle, null)).toEqual({ hot: false, flowing: false, done: false });
    expect(linkLook(link, running(["a"], "b"), null)).toMatchObject({ flowing: true, done: false });
    expect(linkLook(link, running([], "a"), null)).toMatchObject({ flowing: false });
    expect(linkLook(link, running(["a", "b"], "z"), null)).toMatchObject({
      flowing: false,
      done: true,
    });
  });
});

describe("toFlow", () => {
  const live: GraphLive = { nodeOf: idle, selectedId: null, errorsOf: () => 0, select: () => {} };

  it("gives every card its size and connection points, and every link its handles", () => {
    const layout = layoutGraph(referenceDoc().nodes);
    const { nodes, edges } = toFlow(layout, live, (l) => l.id);
    expect(nodes).toHaveLength(11);
    const sampler = nodes.find((n) => n.id === "3")!;
    expect(sampler).toMatchObject({ type: "card", width: 240, measured: { width: 240 } });
    expect(sampler.handles?.map((h) => h.id)).toContain("in:model");
    expect(edges).toHaveLength(18);
    const model = edges.find((e) => e.target === "3" && e.targetHandle === "in:model")!;
    expect(model).toMatchObject({ type: "link", source: "14", sourceHandle: "out:0" });
    expect(model.ariaLabel).toBe(model.id);
    // Every link ends on handles its cards have.
    const handles = new Map(nodes.map((n) => [n.id, new Set(n.handles?.map((h) => h.id))]));
    for (const e of edges) {
      expect(handles.get(e.source)?.has(e.sourceHandle!), e.id).toBe(true);
      expect(handles.get(e.target)?.has(e.targetHandle!), e.id).toBe(true);
    }
  });
});
