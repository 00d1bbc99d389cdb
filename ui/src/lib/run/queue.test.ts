import { describe, expect, it } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import {
  acceptBatch,
  activeRunIds,
  batchOf,
  beginBatch,
  clearFinished,
  currentBatch,
  dropBatch,
  EMPTY_QUEUE,
  focusedItem,
  focusedState,
  joinedAfterCancel,
  justEnded,
  KEEP_FINISHED,
  queueActive,
  reduceArrivals,
  reduceBatchEvent,
  reduceQueue,
  rejectBatch,
  requestCancel,
  type Queue,
} from "./queue";

const ev = (runId: string, change: JobChange) => ({ runId, change });
const phases = (q: Queue) => q.items.map((i) => `${i.runId}:${i.state.phase}`);

function started(ids: string[], q: Queue = EMPTY_QUEUE): Queue {
  const begun = beginBatch(q, ["1", "2"]);
  return acceptBatch(begun, begun.batch, ids);
}

describe("queue", () => {
  it("shows a starting batch with no runs at once, then one item per run id", () => {
    const q = beginBatch(EMPTY_QUEUE, ["1", "2"]);
    expect(q.items).toEqual([]);
    expect(batchOf(q, 1)?.starting).toBe(true);
    expect(focusedState(q)).toMatchObject({ phase: "queued", order: ["1", "2"] });
    expect(activeRunIds(q)).toEqual([]);
    expect(queueActive(q)).toBe(true);
    const accepted = acceptBatch(q, 1, ["a", "b", "c"]);
    expect(phases(accepted)).toEqual(["a:queued", "b:queued", "c:queued"]);
    expect(accepted.items.map((i) => i.index)).toEqual([1, 2, 3]);
    expect(batchOf(accepted, 1)?.starting).toBe(false);
    expect(activeRunIds(accepted)).toEqual(["a", "b", "c"]);
  });

  it("adds runs from their queued events on the batch's channel, before the ids", () => {
    let q = beginBatch(beginBatch(EMPTY_QUEUE, ["1"]), ["1"]);
    q = reduceBatchEvent(q, 2, ev("b", { kind: "queued", nodes: ["7", "8"] }));
    q = reduceBatchEvent(q, 2, ev("b", { kind: "submitted", jobId: "j" }));
    // Not a queued event, of a run no batch knows: nowhere to go.
    expect(reduceBatchEvent(q, 2, ev("zzz", { kind: "canceled" }))).toBe(q);
    q = reduceBatchEvent(q, 1, ev("a", { kind: "queued", nodes: ["1"] }));
    expect(q.items.map((i) => [i.runId, i.batch, i.index])).toEqual([
      ["b", 2, 1],
      ["a", 1, 1],
    ]);
    expect(focusedState(q)).toMatchObject({ phase: "submitted", jobId: "j", order: ["7", "8"] });
    const accepted = acceptBatch(q, 2, ["b", "c"]);
    // "b" keeps what its events said; "c" joins, waiting for its own queued event.
    expect(phases(accepted)).toEqual(["b:submitted", "a:queued", "c:queued"]);
    expect(accepted.items.at(-1)).toMatchObject({ runId: "c", batch: 2, index: 2 });
  });

  it("flags batches still starting when Cancel is pressed", () => {
    const q = requestCancel(acceptBatch(beginBatch(beginBatch(EMPTY_QUEUE, []), []), 1, ["a"]));
    expect(batchOf(q, 1)?.cancelRequested).toBe(false);
    expect(batchOf(q, 2)?.cancelRequested).toBe(true);
    expect(requestCancel(q)).toBe(q);
  });

  it("drops a batch that started nothing", () => {
    const q = dropBatch(beginBatch(EMPTY_QUEUE, ["1"]), 1);
    expect(q.batches).toEqual([]);
    expect(queueActive(q)).toBe(false);
    expect(focusedState(q).phase).toBe("idle");
  });

  it("reduces each run from its own events and ignores unknown runs", () => {
    let q = started(["a", "b"]);
    q = reduceQueue(
      q,
      ev("a", { kind: "node", nodeId: "1", status: "running", progress: 0.5, overall: 0.3 }),
    );
    q = reduceQueue(q, ev("b", { kind: "waiting", queueRank: 1, queueLen: 2 }));
    const same = reduceQueue(q, ev("zzz", { kind: "canceled" }));
    expect(same).toBe(q);
    expect(phases(q)).toEqual(["a:running", "b:waiting"]);
    expect(focusedItem(q)?.runId).toBe("a");

    q = reduceQueue(q, ev("a", { kind: "succeeded", credits: 1, images: 1 }));
    expect(focusedItem(q)?.runId).toBe("b");
    q = reduceQueue(q, ev("b", { kind: "canceled" }));
    expect(phases(q)).toEqual(["a:succeeded", "b:canceled"]);
    expect(queueActive(q)).toBe(false);
    expect(focusedItem(q)?.runId).toBe("b");
  });

  it("keeps older batches, follows the newest", () => {
    let q = started(["a"]);
    q = reduceQueue(q, ev("a", { kind: "succeeded", credits: null, images: 1 }));
    q = started(["b", "c"], q);
    expect(q.batch).toBe(2);
    expect(currentBatch(q).map((i) => i.runId)).toEqual(["b", "c"]);
    expect(focusedItem(q)?.runId).toBe("b");
    expect(activeRunIds(q)).toEqual(["b", "c"]);
  });

  it("keeps the error of a batch the backend refused", () => {
    const q = rejectBatch(beginBatch(EMPTY_QUEUE, []), 1, {
      code: "invalidWorkflow",
      message: "bad",
    });
    expect(q.items).toEqual([]);
    expect(queueActive(q)).toBe(false);
    const state = focusedState(q);
    expect(state.phase).toBe("failed");
    expect(state.phase === "failed" && state.error).toEqual({
      code: "invalidWorkflow",
      message: "bad",
    });
    expect(acceptBatch(q, 7, ["x"])).toBe(q);
  });

  it("forgets the oldest finished runs past the limit", () => {
    let q = EMPTY_QUEUE;
    for (let n = 0; n < KEEP_FINISHED + 5; n++) {
      q = started([`r${n}`], q);
      q = reduceQueue(q, ev(`r${n}`, { kind: "canceled" }));
    }
    q = beginBatch(q, []);
    expect(q.items).toHaveLength(KEEP_FINISHED);
    expect(q.items[0].runId).toBe("r5");
    // Batch records go with their last run; the one just begun stays.
    expect(q.batches.map((b) => b.batch)).toEqual([...q.items.map((i) => i.batch), q.batch]);
  });
});

describe("clearFinished", () => {
  it("keeps the runs under way and the batches still starting, drops the rest", () => {
    let q = started(["a", "b"]);
    q = started(["c"], q);
    q = reduceQueue(q, ev("a", { kind: "succeeded", credits: 1, images: 1 }));
    q = reduceQueue(q, ev("b", { kind: "submitted", jobId: "j" }));
    q = reduceQueue(q, ev("c", { kind: "failed", code: "server", message: "down" }));
    q = beginBatch(q, ["1"]);
    const cleared = clearFinished(q);
    expect(phases(cleared)).toEqual(["b:submitted"]);
    expect(cleared.batches.map((b) => [b.batch, b.starting])).toEqual([
      [1, false],
      [3, true],
    ]);
    expect(clearFinished(cleared)).toBe(cleared);
  });

  it("drops the newest batch with its runs, so the status line falls back to idle", () => {
    let q = started(["a"]);
    q = reduceQueue(q, ev("a", { kind: "canceled" }));
    expect(focusedState(q).phase).toBe("canceled");
    const cleared = clearFinished(q);
    expect(cleared.items).toEqual([]);
    expect(cleared.batches).toEqual([]);
    expect(focusedState(cleared).phase).toBe("idle");
  });
});

describe("arrivals", () => {
  it("folds a frame's events as one by one, channel and global listener alike", () => {
    const begun = beginBatch(EMPTY_QUEUE, ["1"]);
    const arrivals = [
      { batch: 1, event: ev("a", { kind: "queued", nodes: ["4", "9"] }) },
      { batch: null, event: ev("a", { kind: "submitted", jobId: "j" }) },
      { batch: null, event: ev("other", { kind: "submitted", jobId: "x" }) },
      {
        batch: 1,
        event: ev("a", { kind: "node", nodeId: "4", status: "running", progress: 0.2, overall: 0 }),
      },
      {
        batch: 1,
        event: ev("a", { kind: "node", nodeId: "4", status: "done", progress: 1, overall: 0.5 }),
      },
    ];
    const one = arrivals.reduce(
      (q, { batch, event }) =>
        batch === null ? reduceQueue(q, event) : reduceBatchEvent(q, batch, event),
      begun,
    );
    const folded = reduceArrivals(begun, arrivals);
    expect(folded).toEqual(one);
    expect(folded.items.map((i) => i.runId)).toEqual(["a"]);
    expect(focusedState(folded)).toMatchObject({
      phase: "running",
      jobId: "j",
      overall: 0.5,
      nodes: { "4": { state: "done" } },
    });
    expect(reduceArrivals(begun, [])).toBe(begun);
  });

  it("names runs that joined a batch after its cancel was asked", () => {
    const asked = requestCancel(beginBatch(EMPTY_QUEUE, ["1"]));
    const joined = reduceArrivals(asked, [
      { batch: 1, event: ev("a", { kind: "queued", nodes: ["1"] }) },
      { batch: 1, event: ev("b", { kind: "queued", nodes: ["1"] }) },
    ]);
    expect(joinedAfterCancel(asked, joined)).toEqual(["a", "b"]);
    expect(joinedAfterCancel(joined, acceptBatch(joined, 1, ["a", "b", "c"]))).toEqual(["c"]);
    const plain = started(["x"]);
    expect(joinedAfterCancel(EMPTY_QUEUE, plain)).toEqual([]);
  });

  it("names the runs that ended between two queues", () => {
    const q = started(["a", "b"]);
    const next = reduceArrivals(q, [
      { batch: null, event: ev("a", { kind: "succeeded", credits: null, images: 0 }) },
      { batch: null, event: ev("b", { kind: "failed", code: "server", message: "x" }) },
    ]);
    expect(justEnded(q, next).map((i) => i.runId)).toEqual(["a", "b"]);
    expect(justEnded(next, next)).toEqual([]);
  });
});
