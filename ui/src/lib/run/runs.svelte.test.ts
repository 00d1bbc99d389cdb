import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings/AppError";
import type { JobChange } from "../bindings/JobChange";
import type { JobEvent } from "../bindings/JobEvent";
import * as host from "../host";
import { stubFrames, type Frames } from "../testing/frames";
import { FALLBACK_MS } from "./frame";
import { reduceBatchEvent, reduceQueue } from "./queue";
import { RunQueue, type RunQueueOptions } from "./runs.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());

const mocked = vi.mocked(host);
let frames: Frames;
const queues: RunQueue[] = [];
const stops: (() => void)[] = [];

beforeEach(() => {
  frames = stubFrames();
  mocked.cancelRun.mockResolvedValue(true);
});

afterEach(() => {
  for (const q of queues.splice(0)) q.dispose();
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const ev = (runId: string, change: JobChange): JobEvent => ({ runId, change });
const progress = (nodeId: string, p: number): JobChange => ({
  kind: "node",
  nodeId,
  status: "running",
  progress: p,
  overall: p / 2,
});

function queue(options: RunQueueOptions = {}) {
  const q = new RunQueue({ focused: () => true, ...options });
  queues.push(q);
  return q;
}

/** How many times the queue's state has changed (as a component reading it would see). */
function changes(q: RunQueue): { count: number } {
  const seen = { count: -1 };
  stops.push(
    $effect.root(() => {
      $effect(() => {
        void q.queue;
        seen.count++;
      });
    }),
  );
  flushSync();
  return seen;
}

/** A batch of runs `ids` through nodes 4 and 9, accepted. */
function running(q: RunQueue, ids: string[]) {
  const start = q.begin(["4", "9"]);
  q.accept(start.batch, ids);
  return start;
}

describe("per-frame flush", () => {
  it("applies a burst of events in one change, at the next frame", () => {
    const q = queue();
    const { onEvent } = running(q, ["a"]);
    const seen = changes(q);
    for (let i = 1; i <= 50; i++) onEvent(ev("a", progress("4", i / 50)));
    flushSync();
    expect(seen.count).toBe(0);
    expect(q.run.phase).toBe("queued");
    expect(frames.waiting).toBe(1);
    frames.next();
    flushSync();
    expect(seen.count).toBe(1);
    expect(q.run).toMatchObject({ phase: "running", current: "4", overall: 0.5 });
    expect(q.nodes.of("4")).toEqual({ state: "running", progress: 1 });
    // Nothing more to apply: the next frame is not even asked for.
    expect(frames.waiting).toBe(0);
  });

  it("keeps the order the events came in, across channels and the global listener", () => {
    const q = queue();
    const first = running(q, ["a"]);
    const second = running(q, ["b"]);
    const sent: [number | null, JobEvent][] = [
      [first.batch, ev("a", { kind: "submitted", jobId: "ja" })],
      [null, ev("a", progress("4", 0.3))],
      [second.batch, ev("b", { kind: "submitted", jobId: "jb" })],
      [
        first.batch,
        ev("a", { kind: "node", nodeId: "4", status: "done", progress: 1, overall: 0.6 }),
      ],
      [null, ev("a", progress("9", 0.1))],
      [second.batch, ev("b", { kind: "failed", code: "server", message: "down" })],
      [first.batch, ev("a", progress("9", 0.4))],
    ];
    const expected = sent.reduce(
      (state, [batch, event]) =>
        batch === null ? reduceQueue(state, event) : reduceBatchEvent(state, batch, event),
      q.queue,
    );
    for (const [batch, event] of sent) {
      if (batch === null) q.receive(event);
      else (batch === first.batch ? first : second).onEvent(event);
    }
    frames.next();
    expect(q.queue).toEqual(expected);
    expect(q.queue.items.find((i) => i.runId === "a")?.state).toMatchObject({
      phase: "running",
      current: "9",
      nodes: { "4": { state: "done" }, "9": { progress: 0.4 } },
    });
  });

  it("applies what is buffered before any action", async () => {
    const q = queue();
    const { batch, onEvent } = running(q, ["a", "b"]);
    onEvent(ev("a", { kind: "canceled" }));
    // Cancel sees that a has ended already, without waiting for the frame.
    await q.cancel();
    expect(mocked.cancelRun.mock.calls).toEqual([["b"]]);

    onEvent(ev("b", { kind: "submitted", jobId: "j" }));
    const next = q.begin(["4"]);
    expect(q.queue.items.find((i) => i.runId === "b")?.state.phase).toBe("submitted");
    expect(next.batch).toBe(batch + 1);

    next.onEvent(ev("c", { kind: "queued", nodes: ["4"] }));
    next.onEvent(ev("d", { kind: "queued", nodes: ["4"] }));
    await q.move("d", -1);
    expect(mocked.reorderRuns).toHaveBeenCalledWith(["d", "c"]);
    expect(frames.waiting).toBe(0);
  });

  it("takes events that come before the run ids, as before", () => {
    const q = queue();
    const { batch, onEvent } = q.begin(["1", "2"]);
    onEvent(ev("a", { kind: "queued", nodes: ["4", "9"] }));
    onEvent(ev("a", { kind: "submitted", jobId: "j" }));
    q.accept(batch, ["a", "b"]);
    expect(q.queue.items.map((i) => [i.runId, i.state.phase])).toEqual([
      ["a", "submitted"],
      ["b", "queued"],
    ]);
    expect(q.run).toMatchObject({ phase: "submitted", order: ["4", "9"], jobId: "j" });
    // A frame still to come finds nothing left to apply.
    const seen = changes(q);
    frames.next();
    flushSync();
    expect(seen.count).toBe(0);
  });

  it("cancels runs that join a cancelled batch within a frame, once each", async () => {
    const q = queue();
    const { batch, onEvent } = q.begin(["4"]);
    await q.cancel();
    onEvent(ev("a", { kind: "queued", nodes: ["4"] }));
    onEvent(ev("b", { kind: "queued", nodes: ["4"] }));
    expect(mocked.cancelRun).not.toHaveBeenCalled();
    frames.next();
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"]]);
    q.accept(batch, ["a", "b", "c"]);
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"], ["c"]]);
  });

  it("stops waiting for the frame when disposed", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const q = queue();
    const { onEvent } = running(q, ["a"]);
    onEvent(ev("a", progress("4", 0.5)));
    expect(frames.waiting).toBe(1);
    q.dispose();
    expect(frames.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    onEvent(ev("a", progress("4", 0.9)));
    frames.next();
    vi.advanceTimersByTime(FALLBACK_MS);
    expect(q.run.phase).toBe("queued");
  });
});

describe("errors and the end of a batch", () => {
  it("shows one banner for the runs that failed in a frame: the newest run's", () => {
    const errors: AppError[] = [];
    const q = queue({ onError: (e) => errors.push(e) });
    const { onEvent } = running(q, ["a", "b"]);
    onEvent(ev("b", { kind: "failed", code: "server", message: "b broke" }));
    onEvent(ev("a", { kind: "failed", code: "credits", message: "a broke" }));
    frames.next();
    expect(errors).toEqual([{ code: "server", message: "b broke" }]);
    expect(q.active).toBe(false);
  });

  it("notifies when the batch ends in a background window, where no frame comes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    let t = 1_000;
    const q = queue({ focused: () => false, clock: () => t });
    const { onEvent } = running(q, ["a"]);
    onEvent(ev("a", progress("4", 0.5)));
    onEvent(
      ev("a", {
        kind: "imageSaved",
        image: { id: 1, path: "/1", nodeId: "9", width: 8, height: 8 },
      }),
    );
    onEvent(ev("a", { kind: "succeeded", credits: null, images: 1 }));
    t = 2_000;
    vi.advanceTimersByTime(FALLBACK_MS - 1);
    expect(mocked.notify).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(mocked.notify).toHaveBeenCalledTimes(1);
    expect(mocked.notify).toHaveBeenCalledWith(
      "Easel: runs finished",
      "1 run(s) done, 1 image(s) saved.",
    );
    expect(q.run.phase).toBe("succeeded");
    expect(q.elapsedMs).toBe(1_000);
    // The clock stopped with the verdict; the frame asked for was withdrawn.
    expect(vi.getTimerCount()).toBe(0);
    expect(frames.waiting).toBe(0);
  });

  it("counts every run of the batch in the end notice, not only those of the last frame", () => {
    const q = queue({ focused: () => false });
    const { onEvent } = running(q, ["a", "b", "c"]);
    onEvent(ev("a", { kind: "succeeded", credits: null, images: 0 }));
    frames.next();
    onEvent(ev("b", { kind: "failed", code: "server", message: "b broke" }));
    frames.next();
    expect(mocked.notify).not.toHaveBeenCalled();
    onEvent(ev("c", { kind: "succeeded", credits: null, images: 0 }));
    frames.next();
    expect(mocked.notify).toHaveBeenCalledTimes(1);
    expect(mocked.notify.mock.calls[0][1]).toBe("1 of 3 run(s) failed. Open Easel to see why.");
    // The next batch starts counting afresh.
    const second = running(q, ["d"]);
    second.onEvent(ev("d", { kind: "succeeded", credits: null, images: 0 }));
    frames.next();
    expect(mocked.notify).toHaveBeenCalledTimes(2);
    expect(mocked.notify.mock.calls[1][1]).toBe("1 run(s) done, 0 image(s) saved.");
  });

  it("keeps the images list while events bring none", () => {
    const q = queue();
    const { onEvent } = running(q, ["a"]);
    onEvent(
      ev("a", {
        kind: "imageSaved",
        image: { id: 1, path: "/1", nodeId: "9", width: 8, height: 8 },
      }),
    );
    frames.next();
    const images = q.images;
    onEvent(ev("a", progress("9", 0.7)));
    frames.next();
    expect(q.run).toMatchObject({ phase: "running" });
    expect(q.images).toBe(images);
  });
});
