// The sweep editor's summary line in each state of the quote, and which failures refuse a sweep.
import { describe, expect, it } from "vitest";
import { isRefusal, sweepSummary } from "./summary";

describe("sweepSummary", () => {
  it("gives the sizes, the runs and the quoted credits", () => {
    const quote = { kind: "ready" as const, estimate: { each: 2.4, runs: 4, total: 9.6 } };
    expect(sweepSummary([2, 2], quote, 1)).toEqual({
      text: "2 × 2 = 4 runs · 9.6 credits",
      why: null,
    });
  });

  it("counts runs from the batch count until the quote answers", () => {
    expect(sweepSummary([3, 2, 2], { kind: "pending" }, 2).text).toBe(
      "3 × 2 × 2 = 12 cells · 24 runs · pricing…",
    );
    expect(sweepSummary([5], { kind: "none" }, 1).text).toBe("5 = 5 runs");
    // Too many wildcard combinations to count: the cells alone.
    expect(sweepSummary([5], { kind: "none" }, null).text).toBe("5 = 5 runs");
  });

  it("says the cost is unknown when it could not be asked, and why", () => {
    const failed = {
      kind: "failed" as const,
      error: { code: "network" as const, message: "down" },
    };
    expect(sweepSummary([1000], failed, 1)).toEqual({
      text: "1,000 = 1,000 runs · cost unknown",
      why: "The price could not be asked (down); the engine checks it again before anything runs.",
    });
  });

  it("tells a sweep that cannot run from a price that is only unknown", () => {
    expect(isRefusal({ code: "invalidInput", message: "" })).toBe(true);
    expect(isRefusal({ code: "invalidWorkflow", message: "" })).toBe(true);
    expect(isRefusal({ code: "network", message: "" })).toBe(false);
    expect(isRefusal({ code: "noKey", message: "" })).toBe(false);
  });
});
