// A sweep's live grid state: each cell from its runs' events on the batch's channel, the grid
// picture from its `sweepGrid` event, or asked of `sweepGrid` when every cell ended without it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Axis } from "../bindings/Axis";
import type { JobChange } from "../bindings/JobChange";
import type { JobEvent } from "../bindings/JobEvent";
import * as queueHost from "../host/queue";
import * as sweepHost from "../host/sweep";
import { historyRun } from "../testing/historyRun";
import { SweepRun } from "./run.svelte";

vi.mock("../host/queue", async () => (await import("../testing/hostMock")).queueMock());
vi.mock("../host/sweep", () => ({ sweepAxis: vi.fn(), sweepQuote: vi.fn(), sweepGrid: vi.fn() }));
const queue = vi.mocked(queueHost);
const grid = vi.mocked(sweepHost);

const axis = (labels: string[]): Axis => ({
  target: { kind: "input", nodeId: "3", input: "cfg" },
  values: labels.map((label) => ({ label, value: Number(label) })),
});
const ev = (runId: string, change: JobChange): JobEvent => ({ runId, change });
const image = (path: string, id: number | null = 7) => ({
  id,
  path,
  nodeId: "9",
  width: 64,
  height: 64,
});
const ids = ["r1", "r2", "r3", "r4"];

let run: SweepRun;

beforeEach(() => {
  vi.useFakeTimers();
  run = new SweepRun([axis(["4", "6"]), axis(["20", "30"])], ["Cfg", "Steps"], 1, {
    pollMs: 1000,
    polls: 3,
  });
});

afterEach(() => {
  run.dispose();
  vi.useRealTimers();
});

/** Every run ends: those listed with an image, the others failed. */
function finish(withImages: string[]) {
  for (const id of ids) {
    if (withImages.includes(id)) {
      run.receive(ev(id, { kind: "imageSaved", image: image(`/out/${id}.png`) }));
      run.receive(ev(id, { kind: "succeeded", credits: 1, images: 1 }));
    } else {
      run.receive(ev(id, { kind: "failed", code: "jobFailed", message: "no" }));
    }
  }
}

describe("SweepRun", () => {
  it("lays out every cell before the ids come, then follows each run's events", () => {
    expect(run.cells.map((c) => [c.x, c.y, c.state])).toEqual([
      [0, 0, "queued"],
      [1, 0, "queued"],
      [0, 1, "queued"],
      [1, 1, "queued"],
    ]);
    // An event before the ids: kept for the run, shown once the ids place it.
    run.receive(
      ev("r2", { kind: "node", nodeId: "3", status: "running", progress: 0, overall: 0 }),
    );
    run.accept(ids);
    expect(run.cells.map((c) => c.runIds)).toEqual([["r1"], ["r2"], ["r3"], ["r4"]]);
    expect(run.cells[1].state).toBe("running");
    run.receive(ev("r2", { kind: "imageSaved", image: image("/out/r2.png") }));
    run.receive(ev("r2", { kind: "succeeded", credits: 1, images: 1 }));
    run.receive(ev("r4", { kind: "canceled" }));
    expect(run.cells.map((c) => c.state)).toEqual(["queued", "succeeded", "queued", "cancelled"]);
    expect(run.cells[1].image?.path).toBe("/out/r2.png");
    expect(run.ended).toBe(2);
    expect(run.grid).toEqual({ kind: "cells" });
  });

  it("shows progress without replacing the states the grid reads", () => {
    run.accept(ids);
    const node = (overall: number): JobChange => ({
      kind: "node",
      nodeId: "3",
      status: "running",
      progress: overall,
      overall,
    });
    run.receive(ev("r1", node(0.1)));
    const shown = run.states;
    run.receive(ev("r1", node(0.5)));
    expect(run.states).toBe(shown);
  });

  it("takes the grid from its event on the last cell's channel", async () => {
    run.accept(ids);
    finish(["r1", "r2", "r3", "r4"]);
    expect(run.grid).toEqual({ kind: "composing" });
    const picture = { ...image("/out/grid.png", 42), nodeId: "" };
    run.receive(ev("r4", { kind: "sweepGrid", sweepId: "sw-1", image: picture }));
    expect(run.sweepId).toBe("sw-1");
    expect(run.grid).toEqual({ kind: "done", path: "/out/grid.png", image: picture });
    await vi.advanceTimersByTimeAsync(5000);
    expect(grid.sweepGrid).not.toHaveBeenCalled();
  });

  it("asks for the grid of the sweep the queue names when every cell ended without it", async () => {
    queue.queueState.mockResolvedValueOnce({
      paused: false,
      runs: [historyRun("r3", { sweepId: "sw-2", sweepCell: { x: 0, y: 1, z: 0 } })],
    });
    grid.sweepGrid
      .mockResolvedValueOnce({ sweepId: "sw-2", state: "composing", path: null })
      .mockResolvedValueOnce({ sweepId: "sw-2", state: "done", path: "/out/grid.png" });
    run.accept(ids);
    await vi.advanceTimersByTimeAsync(0);
    expect(run.sweepId).toBe("sw-2");
    finish(["r1"]);
    expect(run.grid.kind).toBe("composing");
    await vi.advanceTimersByTimeAsync(1000);
    expect(grid.sweepGrid).toHaveBeenCalledWith("sw-2");
    expect(run.grid.kind).toBe("composing");
    await vi.advanceTimersByTimeAsync(1000);
    expect(run.grid).toEqual({ kind: "done", path: "/out/grid.png", image: null });
  });

  it("says the grid failed when the backend recorded so", async () => {
    queue.queueState.mockResolvedValueOnce({
      paused: false,
      runs: [historyRun("r1", { sweepId: "sw-3" })],
    });
    grid.sweepGrid.mockResolvedValue({ sweepId: "sw-3", state: "failed", path: null });
    run.accept(ids);
    await vi.advanceTimersByTimeAsync(0);
    finish(["r2"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(run.grid).toEqual({ kind: "failed" });
  });

  it("has no grid when no cell saved an image", () => {
    run.accept(ids);
    finish([]);
    expect(run.cells.every((c) => c.state === "failed")).toBe(true);
    expect(run.grid).toEqual({ kind: "none" });
  });

  it("gives up when the grid never reports and its sweep is unknown", async () => {
    run.accept(ids);
    finish(["r1"]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(run.grid.kind).toBe("composing");
    await vi.advanceTimersByTimeAsync(1000);
    expect(run.grid).toEqual({ kind: "unknown" });
    expect(grid.sweepGrid).not.toHaveBeenCalled();
  });

  it("spreads several runs per cell and shows a cell's first image", () => {
    const twice = new SweepRun([axis(["4", "6"])], ["Cfg"], 2);
    twice.accept(["a", "b", "c", "d"]);
    twice.receive(ev("b", { kind: "imageSaved", image: image("/out/b.png") }));
    twice.receive(ev("b", { kind: "succeeded", credits: 1, images: 1 }));
    expect(twice.cells.map((c) => [c.x, c.runIds, c.state])).toEqual([
      [0, ["a", "b"], "running"],
      [1, ["c", "d"], "queued"],
    ]);
    expect(twice.cells[0].image?.path).toBe("/out/b.png");
    twice.dispose();
  });
});
