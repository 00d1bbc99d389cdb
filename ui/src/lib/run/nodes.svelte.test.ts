import { flushSync } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeState } from "../bindings/NodeState";
import { RunNodes, WAITING } from "./nodes.svelte";
import { IDLE, reduceRun, type RunState } from "./reduce";

const queued = () => reduceRun(IDLE, { kind: "queued", nodes: ["a", "b", "c"] });
const tick = (run: RunState, nodeId: string, progress: number, status: NodeState = "running") =>
  reduceRun(run, { kind: "node", nodeId, status, progress, overall: 0 });

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** How many times an effect reading node `id` has run. */
function watch(nodes: RunNodes, id: string): { runs: number } {
  const seen = { runs: 0 };
  stops.push(
    $effect.root(() => {
      $effect(() => {
        nodes.of(id);
        seen.runs++;
      });
    }),
  );
  flushSync();
  return seen;
}

describe("RunNodes", () => {
  it("keeps node B's entry when node A makes progress", () => {
    const nodes = new RunNodes();
    let run = tick(tick(queued(), "b", 1, "done"), "a", 0.1);
    nodes.show(run);
    const b = nodes.of("b");
    expect(b).toEqual({ state: "done", progress: 1 });
    run = tick(run, "a", 0.5);
    nodes.show(run);
    expect(nodes.of("a")).toEqual({ state: "running", progress: 0.5 });
    expect(nodes.of("b")).toBe(b);
    expect(nodes.current).toBe("a");
  });

  it("wakes only readers of the node that changed", () => {
    const nodes = new RunNodes();
    let run = tick(queued(), "a", 0.1);
    nodes.show(run);
    const a = watch(nodes, "a");
    const b = watch(nodes, "b");
    for (const p of [0.2, 0.3, 0.4]) {
      run = tick(run, "a", p);
      nodes.show(run);
      flushSync();
    }
    expect(a.runs).toBe(4);
    expect(b.runs).toBe(1);
  });

  it("keeps equal entries when the verdict rebuilds every node", () => {
    const nodes = new RunNodes();
    let run = tick(tick(queued(), "a", 1, "done"), "b", 0.5);
    nodes.show(run);
    const a = nodes.of("a");
    run = reduceRun(run, { kind: "succeeded", credits: null, images: 0 });
    nodes.show(run);
    expect(nodes.of("a")).toBe(a);
    expect(nodes.of("b")).toEqual({ state: "done", progress: 1 });
    expect(nodes.current).toBeNull();
  });

  it("shows nodes the run does not list as waiting, and forgets a run's nodes when idle", () => {
    const nodes = new RunNodes();
    expect(nodes.of("a")).toBe(WAITING);
    nodes.show(tick(queued(), "a", 0.3));
    expect(nodes.of("a").progress).toBe(0.3);
    expect(nodes.of("z")).toBe(WAITING);
    nodes.show(reduceRun(IDLE, { kind: "queued", nodes: ["z"] }));
    expect(nodes.of("a")).toBe(WAITING);
    expect(nodes.of("z")).toEqual({ state: "waiting", progress: 0 });
    nodes.show(IDLE);
    expect(nodes.of("z")).toBe(WAITING);
  });
});
