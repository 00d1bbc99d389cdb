import { describe, expect, it } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import { historyRun } from "../testing/historyRun";
import {
  acceptBatch,
  beginBatch,
  currentBatch,
  EMPTY_QUEUE,
  focusedState,
  RESUMED_BATCH,
} from "./queue";
import { restoreQueue, restoreRuns } from "./restore";

const ev = (runId: string, change: JobChange) => ({ runId, change });
const rows = (q: typeof EMPTY_QUEUE) =>
  q.items.map((i) => `${i.runId}:${i.state.phase}:${i.name ?? `${i.batch}.${i.index}`}`);

describe("restoreRuns", () => {
  it("adds the unfinished runs in the order given, named, queued or on the service", () => {
    const q = restoreRuns(EMPTY_QUEUE, [
      historyRun("s1", { status: "submitted", name: "portrait" }),
      historyRun("p1"),
      historyRun("p2", { name: "landscape" }),
    ]);
    expect(rows(q)).toEqual([
      "s1:submitted:portrait",
      "p1:queued:reference",
      "p2:queued:landscape",
    ]);
    expect(q.items.every((i) => i.batch === RESUMED_BATCH)).toBe(true);
    expect(q.items.map((i) => i.index)).toEqual([1, 2, 3]);
    // No start of this window made them: the graph and the results do not follow them.
    expect(currentBatch(q)).toEqual([]);
    expect(focusedState(q).phase).toBe("idle");
  });

  it("puts them before this window's runs, skips runs it knows and runs that ended", () => {
    const begun = beginBatch(EMPTY_QUEUE, ["1"]);
    const mine = acceptBatch(begun, begun.batch, ["new"]);
    const q = restoreRuns(mine, [
      historyRun("old"),
      historyRun("new"),
      historyRun("done", { status: "succeeded" }),
    ]);
    expect(q.items.map((i) => i.runId)).toEqual(["old", "new"]);
    expect(q.items[1]).toBe(mine.items[0]);
    expect(currentBatch(q).map((i) => i.runId)).toEqual(["new"]);
    expect(restoreRuns(q, [historyRun("old")])).toBe(q);
  });
});

describe("restoreQueue", () => {
  it("applies the events held during the question to the runs that joined, in order", () => {
    const held = [
      // Already in the record (sent before the journal was read): replaying it does no harm.
      ev("s1", { kind: "submitted", jobId: "js" }),
      ev("p1", { kind: "submitted", jobId: "j1" }),
      ev("gone", { kind: "succeeded", credits: 2, images: 1 }),
      ev("s1", { kind: "node", nodeId: "9", status: "running", progress: 0.5, overall: 0.25 }),
      ev("p1", { kind: "failed", code: "server", message: "down" }),
    ];
    const q = restoreQueue(
      EMPTY_QUEUE,
      [historyRun("s1", { status: "submitted" }), historyRun("p1")],
      held,
    );
    expect(q.items.map((i) => `${i.runId}:${i.state.phase}`)).toEqual(["s1:running", "p1:failed"]);
    expect(q.items[0].state).toMatchObject({ overall: 0.25, order: ["9"], jobId: "js" });
  });
});
