import { describe, expect, it } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import {
  acceptBatch,
  activeRunIds,
  beginBatch,
  currentBatch,
  EMPTY_QUEUE,
  focusedItem,
  KEEP_FINISHED,
  movePending,
  pendingId,
  queueActive,
  reduceQueue,
  rejectBatch,
  trackBatch,
  type Queue,
} from "./queue";

const ev = (runId: string, change: JobChange) => ({ runId, change });
const phases = (q: Queue) => q.items.map((i) => `${i.runId}:${i.state.phase}`);

function batchOf(ids: string[], q: Queue = EMPTY_QUEUE): Queue {
  const begun = beginBatch(q, ["1", "2"]);
  return acceptBatch(begun, begun.batch, ids);
}

describe("queue", () => {
  it("shows a placeholder at once, then one item per run id", () => {
    const q = beginBatch(EMPTY_QUEUE, ["1", "2"]);
    expect(phases(q)).toEqual([`${pendingId(1)}:queued`]);
    expect(activeRunIds(q)).toEqual([]);
    expect(queueActive(q)).toBe(true);
    const accepted = acceptBatch(q, 1, ["a", "b", "c"]);
    expect(phases(accepted)).toEqual(["a:queued", "b:queued", "c:queued"]);
    expect(accepted.items.map((i) => i.index)).toEqual([1, 2, 3]);
    expect(activeRunIds(accepted)).toEqual(["a", "b", "c"]);
  });

  it("reduces each run from its own events and ignores unknown runs", () => {
    let q = batchOf(["a", "b"]);
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
    let q = batchOf(["a"]);
    q = reduceQueue(q, ev("a", { kind: "succeeded", credits: null, images: 1 }));
    q = batchOf(["b", "c"], q);
    expect(q.batch).toBe(2);
    expect(currentBatch(q).map((i) => i.runId)).toEqual(["b", "c"]);
    expect(focusedItem(q)?.runId).toBe("b");
    expect(activeRunIds(q)).toEqual(["b", "c"]);
  });

  it("fails the placeholder when the backend refuses the batch", () => {
    const q = rejectBatch(beginBatch(EMPTY_QUEUE, []), 1, {
      code: "invalidWorkflow",
      message: "bad",
    });
    const state = focusedItem(q)!.state;
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
      q = batchOf([`r${n}`], q);
      q = reduceQueue(q, ev(`r${n}`, { kind: "canceled" }));
    }
    q = beginBatch(q, []);
    expect(q.items).toHaveLength(KEEP_FINISHED + 1);
    expect(q.items[0].runId).toBe("r5");
    expect(q.items.at(-1)?.runId).toBe(pendingId(q.batch));
  });
});

describe("reordering and outside runs", () => {
  it("tracks runs started elsewhere as their own batch", () => {
    const q = trackBatch(batchOf(["a"]), ["f1", "f2"]);
    expect(currentBatch(q).map((i) => i.runId)).toEqual(["f1", "f2"]);
    expect(trackBatch(q, [])).toBe(q);
  });

  it("moves pending runs among themselves and says the new order", () => {
    let q = batchOf(["a", "b", "c"]);
    q = reduceQueue(q, ev("a", { kind: "submitted", jobId: "j" }));
    const moved = movePending(q, "c", -1);
    expect(moved?.order).toEqual(["c", "b"]);
    expect(moved?.queue.items.map((i) => i.runId)).toEqual(["a", "c", "b"]);
    expect(movePending(q, "b", -1)).toBeNull();
    expect(movePending(q, "a", 1)).toBeNull();
    expect(movePending(q, "c", 1)).toBeNull();
  });
});
