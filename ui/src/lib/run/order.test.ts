import { describe, expect, it } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import { movePending, moveToBack, moveToFront } from "./order";
import { acceptBatch, beginBatch, EMPTY_QUEUE, reduceQueue, type Queue } from "./queue";

const ev = (runId: string, change: JobChange) => ({ runId, change });
const ids = (q: Queue | undefined) => q?.items.map((i) => i.runId);

/** Runs `ids` accepted in one batch, then `sent` taken by the service. */
function queue(all: string[], sent: string[] = []): Queue {
  const begun = beginBatch(EMPTY_QUEUE, ["1"]);
  let q = acceptBatch(begun, begun.batch, all);
  for (const id of sent) q = reduceQueue(q, ev(id, { kind: "submitted", jobId: `j-${id}` }));
  return q;
}

describe("movePending", () => {
  it("moves pending runs among themselves and says the new order", () => {
    const q = queue(["a", "b", "c"], ["a"]);
    const moved = movePending(q, "c", -1);
    expect(moved?.order).toEqual(["c", "b"]);
    expect(ids(moved?.queue)).toEqual(["a", "c", "b"]);
    expect(movePending(q, "b", -1)).toBeNull();
    expect(movePending(q, "a", 1)).toBeNull();
    expect(movePending(q, "c", 1)).toBeNull();
  });
});

describe("moveToFront and moveToBack", () => {
  it("put the chosen pending runs first, in queue order whatever order they were named in", () => {
    const q = queue(["a", "b", "c", "d", "e"], ["a"]);
    const moved = moveToFront(q, ["e", "c"]);
    expect(moved?.order).toEqual(["c", "e"]);
    // The run on the service keeps its slot; pending runs fill theirs in the new order.
    expect(ids(moved?.queue)).toEqual(["a", "c", "e", "b", "d"]);
  });

  it("put the chosen pending runs last, in queue order", () => {
    const q = queue(["a", "b", "c", "d"], ["c"]);
    const moved = moveToBack(q, ["b", "a"]);
    expect(moved?.order).toEqual(["a", "b"]);
    expect(ids(moved?.queue)).toEqual(["d", "a", "c", "b"]);
  });

  it("leave out runs no longer pending, and move nothing when none is", () => {
    const q = queue(["a", "b", "c"], ["a"]);
    expect(moveToFront(q, ["a", "c", "zz"])?.order).toEqual(["c"]);
    expect(moveToFront(q, ["a"])).toBeNull();
    expect(moveToBack(q, ["zz"])).toBeNull();
  });
});
