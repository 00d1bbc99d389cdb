// The queue store's queue-wide actions: pause, cancel all, bulk cancel / retry / move, clear
// finished and run next, each through the host door with the right ids.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings/AppError";
import type { JobChange } from "../bindings/JobChange";
import type { JobEvent } from "../bindings/JobEvent";
import * as host from "../host";
import * as queueHost from "../host/queue";
import { stubFrames, type Frames } from "../testing/frames";
import { RunQueue, type RunQueueOptions } from "./runs.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());
vi.mock("../host/queue", async () => (await import("../testing/hostMock")).queueMock());

const mocked = vi.mocked(host);
const mockedQueue = vi.mocked(queueHost);
let frames: Frames;
let errors: AppError[];
const queues: RunQueue[] = [];

beforeEach(() => {
  frames = stubFrames();
  errors = [];
});

afterEach(() => {
  for (const q of queues.splice(0)) q.dispose();
  vi.unstubAllGlobals();
});

const ev = (runId: string, change: JobChange): JobEvent => ({ runId, change });
const ids = (q: RunQueue) => q.queue.items.map((i) => i.runId);
const phases = (q: RunQueue) => q.queue.items.map((i) => `${i.runId}:${i.state.phase}`);

function queue(options: RunQueueOptions = {}) {
  const q = new RunQueue({ focused: () => true, onError: (e) => errors.push(e), ...options });
  queues.push(q);
  return q;
}

/** Runs `all` in one batch; `sent` on the service, `ended` succeeded, the rest pending. */
function batch(q: RunQueue, all: string[], sent: string[] = [], ended: string[] = []) {
  const start = q.begin(["4"]);
  q.accept(start.batch, all);
  for (const id of sent) start.onEvent(ev(id, { kind: "submitted", jobId: `j-${id}` }));
  for (const id of ended) start.onEvent(ev(id, { kind: "succeeded", credits: 1, images: 1 }));
  frames.next();
  return start;
}

describe("pause", () => {
  it("asks the backend and shows what it answers", async () => {
    const q = queue();
    await q.setPaused(true);
    expect(q.paused).toBe(true);
    await q.setPaused(false);
    expect(q.paused).toBe(false);
    expect(mockedQueue.pauseQueue.mock.calls).toEqual([[true], [false]]);
  });

  it("stays as it was when the backend refuses, and says why", async () => {
    mockedQueue.pauseQueue.mockRejectedValueOnce({ code: "storage", message: "read-only" });
    const q = queue();
    await q.setPaused(true);
    expect(q.paused).toBe(false);
    expect(errors).toEqual([{ code: "storage", message: "read-only" }]);
  });
});

describe("cancel all", () => {
  it("cancels everything, and the runs of a batch still starting as they join", async () => {
    const q = queue();
    batch(q, ["a", "b"], ["a"]);
    const starting = q.begin(["4"]);
    await q.cancelAll(true);
    expect(mockedQueue.cancelQueue).toHaveBeenCalledWith(true);
    expect(mocked.cancelRun).not.toHaveBeenCalled();
    q.accept(starting.batch, ["late"]);
    expect(mocked.cancelRun.mock.calls).toEqual([["late"]]);
  });

  it("all but running: only the pending runs, batches still starting left alone", async () => {
    const q = queue();
    batch(q, ["a", "b"], ["a"]);
    const starting = q.begin(["4"]);
    await q.cancelAll(false);
    expect(mockedQueue.cancelQueue).toHaveBeenCalledWith(false);
    q.accept(starting.batch, ["late"]);
    expect(mocked.cancelRun).not.toHaveBeenCalled();
  });
});

describe("bulk actions", () => {
  it("cancel each chosen run still under way", async () => {
    const q = queue();
    batch(q, ["a", "b", "c", "d"], ["b"], ["c"]);
    await q.cancelEach(["a", "b", "c", "zz"]);
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"]]);
  });

  it("retry each chosen finished run, one after the other", async () => {
    const q = queue();
    batch(q, ["a", "b", "c"], [], ["a", "c"]);
    const order: string[] = [];
    mocked.retryRun.mockImplementation(async (runId) => {
      order.push(`start ${runId}`);
      await Promise.resolve();
      order.push(`end ${runId}`);
      return `${runId}2`;
    });
    await q.retryAll(["c", "b", "a"]);
    // In the queue's order; b is still pending and left alone.
    expect(order).toEqual(["start a", "end a", "start c", "end c"]);
    expect(ids(q)).toEqual(["a", "b", "c", "a2", "c2"]);
  });

  it("move the chosen pending runs to the front or the back, in queue order", async () => {
    const q = queue();
    batch(q, ["a", "b", "c", "d", "e"], ["a"]);
    await q.toFront(["e", "c", "a"]);
    expect(mocked.reorderRuns).toHaveBeenLastCalledWith(["c", "e"]);
    expect(ids(q)).toEqual(["a", "c", "e", "b", "d"]);
    await q.toBack(["c", "b"]);
    expect(mockedQueue.sendRunsBack).toHaveBeenLastCalledWith(["c", "b"]);
    expect(ids(q)).toEqual(["a", "e", "d", "c", "b"]);
    // Nothing pending among them: nothing to tell.
    await q.toBack(["a"]);
    expect(mockedQueue.sendRunsBack).toHaveBeenCalledTimes(1);
  });

  it("report a move the backend refused", async () => {
    mockedQueue.sendRunsBack.mockRejectedValueOnce({ code: "storage", message: "locked" });
    const q = queue();
    batch(q, ["a", "b"]);
    await q.toBack(["a"]);
    expect(errors).toEqual([{ code: "storage", message: "locked" }]);
  });
});

describe("clear finished", () => {
  it("takes the finished runs off and keeps those under way", () => {
    const q = queue();
    batch(q, ["a", "b", "c"], ["b"], ["a"]);
    const second = batch(q, ["d"]);
    second.onEvent(ev("d", { kind: "failed", code: "server", message: "down" }));
    frames.next();
    q.clearFinished();
    expect(phases(q)).toEqual(["b:submitted", "c:queued"]);
    expect(q.active).toBe(true);
  });
});

describe("run next", () => {
  it("starts the document as Run does, then puts its runs at the front", async () => {
    const q = queue({
      runDocument: async () => {
        const start = q.begin(["4"], true);
        q.accept(start.batch, ["n1", "n2"]);
        return ["n1", "n2"];
      },
      canRunDocument: () => true,
    });
    batch(q, ["a", "b"], ["a"]);
    expect(q.canRunNext).toBe(true);
    await q.runNext();
    expect(mocked.reorderRuns).toHaveBeenCalledWith(["n1", "n2"]);
    expect(ids(q)).toEqual(["a", "n1", "n2", "b"]);
  });

  it("moves nothing when the start was declined", async () => {
    const q = queue({ runDocument: async () => null });
    await q.runNext();
    expect(q.canRunNext).toBe(false);
    expect(mocked.reorderRuns).not.toHaveBeenCalled();
  });
});
