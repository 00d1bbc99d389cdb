import { describe, expect, it } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import type { SavedImage } from "../bindings/SavedImage";
import {
  IDLE,
  isActive,
  isFinished,
  nodeCounts,
  nodeState,
  reduceRun,
  type RunState,
  type StartedRun,
} from "./reduce";

const image = (name: string, nodeId = "9"): SavedImage => ({
  id: name.length,
  path: `/lib/${name}.png`,
  nodeId,
  width: 512,
  height: 768,
});

const run = (...changes: JobChange[]): RunState => changes.reduce(reduceRun, IDLE);

const queued: JobChange = { kind: "queued", nodes: ["4", "3", "9"] };
const node = (
  nodeId: string,
  status: "waiting" | "running" | "done" | "failed",
  progress = 0,
  overall = 0,
): JobChange => ({
  kind: "node",
  nodeId,
  status,
  progress,
  overall,
});

function started(state: RunState): StartedRun {
  if (state.phase === "idle") throw new Error("expected a started run");
  return state;
}

describe("reduceRun: the happy path", () => {
  it("queued lists every node as waiting, in order", () => {
    expect(run(queued)).toEqual({
      phase: "queued",
      nodes: {
        "4": { state: "waiting", progress: 0 },
        "3": { state: "waiting", progress: 0 },
        "9": { state: "waiting", progress: 0 },
      },
      order: ["4", "3", "9"],
      overall: 0,
      images: [],
      jobId: null,
    });
  });

  it("submitted records the job id", () => {
    const s = run(queued, { kind: "submitted", jobId: "job-1" });
    expect(s).toMatchObject({ phase: "submitted", jobId: "job-1" });
  });

  it("waiting records the queue position, and may repeat", () => {
    const s = run(
      queued,
      { kind: "submitted", jobId: "j" },
      { kind: "waiting", queueRank: 3, queueLen: 9 },
      { kind: "waiting", queueRank: 1, queueLen: null },
    );
    expect(s).toMatchObject({ phase: "waiting", queueRank: 1, queueLen: null, jobId: "j" });
  });

  it("node events move to running and track each node and the current one", () => {
    const s = run(queued, node("4", "running", 0.5, 0.1));
    expect(s).toMatchObject({
      phase: "running",
      current: "4",
      overall: 0.1,
      nodes: { "4": { state: "running", progress: 0.5 }, "3": { state: "waiting" } },
    });
    const t = reduceRun(s, node("4", "done", 1, 0.33));
    expect(t).toMatchObject({ phase: "running", current: null, overall: 0.33 });
    expect(nodeState(t, "4")).toEqual({ state: "done", progress: 1 });
  });

  it("a finished node that was not current keeps the current one", () => {
    const s = run(queued, node("3", "running", 0.2), node("4", "done", 1));
    expect(s).toMatchObject({ current: "3" });
  });

  it("done forces a node's progress to 1", () => {
    expect(nodeState(run(queued, node("4", "done", 0.3)), "4").progress).toBe(1);
  });

  it("succeeded completes everything that did not fail", () => {
    const s = run(
      queued,
      { kind: "submitted", jobId: "j" },
      node("4", "done", 1, 0.3),
      node("3", "running", 0.4, 0.5),
      { kind: "imageSaved", image: image("a") },
      { kind: "succeeded", credits: 1.5, images: 1 },
    );
    expect(s).toMatchObject({ phase: "succeeded", credits: 1.5, imageCount: 1, overall: 1 });
    expect(nodeCounts(s)).toEqual({ waiting: 0, running: 0, done: 3, failed: 0 });
    expect(started(s).images).toEqual([image("a")]);
    expect(isFinished(s)).toBe(true);
    expect(isActive(s)).toBe(false);
  });
});

describe("reduceRun: progress", () => {
  it("clamps progress to 0..1 and survives NaN", () => {
    const s = run(
      queued,
      node("4", "running", 7, -2),
      node("3", "running", Number.NaN, Number.NaN),
    );
    expect(nodeState(s, "4").progress).toBe(1);
    expect(nodeState(s, "3").progress).toBe(0);
    expect(started(s).overall).toBe(0);
  });

  it("never moves overall progress backwards", () => {
    const s = run(queued, node("4", "running", 0.5, 0.6), node("3", "running", 0.1, 0.4));
    expect(started(s).overall).toBe(0.6);
  });

  it("adds nodes it was not told about, at the end of the order", () => {
    const s = run(queued, node("77", "running", 0.1));
    expect(started(s).order).toEqual(["4", "3", "9", "77"]);
    expect(nodeState(s, "77").state).toBe("running");
  });

  it("keeps node states when the job goes back to waiting", () => {
    const s = run(queued, node("4", "done", 1, 0.3), {
      kind: "waiting",
      queueRank: 2,
      queueLen: 4,
    });
    expect(s.phase).toBe("waiting");
    expect(nodeState(s, "4").state).toBe("done");
    expect(started(s).overall).toBe(0.3);
  });
});

describe("reduceRun: images", () => {
  it("collects images in arrival order without duplicates", () => {
    const s = run(
      queued,
      { kind: "imageSaved", image: image("a") },
      { kind: "imageSaved", image: image("b") },
      { kind: "imageSaved", image: image("a") },
    );
    expect(started(s).images.map((i) => i.path)).toEqual(["/lib/a.png", "/lib/b.png"]);
    expect(s.phase).toBe("queued");
  });

  it("accepts an image that arrives after the verdict", () => {
    const s = run(
      queued,
      { kind: "succeeded", credits: null, images: 1 },
      {
        kind: "imageSaved",
        image: image("late"),
      },
    );
    expect(s.phase).toBe("succeeded");
    expect(started(s).images.map((i) => i.path)).toEqual(["/lib/late.png"]);
  });
});

describe("reduceRun: failure and cancel", () => {
  it("failed carries the error and fails the running node only", () => {
    const s = run(queued, node("4", "done", 1), node("3", "running", 0.5), {
      kind: "failed",
      code: "jobFailed",
      message: "out of memory",
    });
    expect(s).toMatchObject({
      phase: "failed",
      error: { code: "jobFailed", message: "out of memory" },
    });
    expect(nodeState(s, "4").state).toBe("done");
    expect(nodeState(s, "3")).toEqual({ state: "failed", progress: 0.5 });
    expect(nodeState(s, "9").state).toBe("waiting");
    expect(isFinished(s)).toBe(true);
  });

  it("a node reported failed stays failed on success", () => {
    const s = run(queued, node("3", "failed"), { kind: "succeeded", credits: null, images: 0 });
    expect(nodeState(s, "3").state).toBe("failed");
  });

  it("canceled puts running nodes back to waiting", () => {
    const s = run(queued, node("4", "done", 1), node("3", "running", 0.5), { kind: "canceled" });
    expect(s.phase).toBe("canceled");
    expect(nodeState(s, "3")).toEqual({ state: "waiting", progress: 0 });
    expect(nodeState(s, "4").state).toBe("done");
  });

  it("a finished run ignores everything but images", () => {
    const done = run(queued, { kind: "failed", code: "network", message: "offline" });
    for (const change of [
      queued,
      node("4", "running", 0.5, 0.5),
      { kind: "submitted", jobId: "x" },
      { kind: "waiting", queueRank: 1, queueLen: 1 },
      { kind: "succeeded", credits: 1, images: 1 },
      { kind: "canceled" },
    ] satisfies JobChange[]) {
      expect(reduceRun(done, change)).toBe(done);
    }
  });
});

describe("reduceRun: purity and odd orders", () => {
  it("never mutates its input", () => {
    const s = run(queued, node("4", "running", 0.5));
    const frozen = structuredClone(s);
    reduceRun(s, node("4", "done", 1, 1));
    reduceRun(s, { kind: "imageSaved", image: image("a") });
    reduceRun(s, { kind: "succeeded", credits: null, images: 0 });
    expect(s).toEqual(frozen);
  });

  it("starts sensibly when the queued event was missed", () => {
    expect(run(node("3", "running", 0.2, 0.1))).toMatchObject({
      phase: "running",
      order: ["3"],
      current: "3",
    });
    expect(run({ kind: "submitted", jobId: "j" })).toMatchObject({ phase: "submitted", order: [] });
    expect(run({ kind: "imageSaved", image: image("a") })).toMatchObject({
      phase: "running",
      current: null,
    });
    expect(run({ kind: "failed", code: "auth", message: "bad key" })).toMatchObject({
      phase: "failed",
      error: { code: "auth" },
    });
  });

  it("idle knows no node states", () => {
    expect(nodeState(IDLE, "4")).toEqual({ state: "waiting", progress: 0 });
    expect(nodeCounts(IDLE)).toEqual({ waiting: 0, running: 0, done: 0, failed: 0 });
    expect(isActive(IDLE)).toBe(false);
    expect(isFinished(IDLE)).toBe(false);
  });

  it("is active from queued until a verdict", () => {
    const phases = [
      run(queued),
      run(queued, { kind: "submitted", jobId: "j" }),
      run(queued, { kind: "waiting", queueRank: null, queueLen: null }),
      run(queued, node("4", "running")),
    ];
    for (const s of phases) expect(isActive(s), s.phase).toBe(true);
    expect(isActive(run(queued, { kind: "canceled" }))).toBe(false);
  });
});

describe("reduceRun: previews", () => {
  const preview = (nodeId: string, image: string): JobChange => ({
    kind: "preview",
    nodeId,
    image,
  });

  it("a running node shows its latest preview until it is done", () => {
    const running = run(
      queued,
      node("3", "running", 0.2),
      preview("3", "data:image/jpeg;base64,AA"),
    );
    expect(started(running).nodes["3"]).toEqual({
      state: "running",
      progress: 0.2,
      preview: "data:image/jpeg;base64,AA",
    });
    const later = reduceRun(running, preview("3", "data:image/jpeg;base64,BB"));
    const stepped = reduceRun(later, node("3", "running", 0.6));
    expect(started(stepped).nodes["3"].preview).toBe("data:image/jpeg;base64,BB");
    const done = reduceRun(stepped, node("3", "done", 1));
    expect(started(done).nodes["3"]).toEqual({ state: "done", progress: 1 });
    expect(reduceRun(done, preview("3", "data:image/jpeg;base64,CC"))).toBe(done);
  });

  it("a preview before the run is known changes nothing", () => {
    expect(reduceRun(IDLE, preview("3", "data:image/png;base64,AA"))).toBe(IDLE);
  });
});
