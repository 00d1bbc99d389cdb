import { describe, expect, it } from "vitest";
import { activeControls, NO_CONTROLS, runFilter, toggleStatus } from "./query";

describe("runFilter", () => {
  it("sends nothing that does not filter", () => {
    expect(runFilter("   ", NO_CONTROLS)).toEqual({
      statuses: [],
      workflow: null,
      backend: null,
      since: null,
      until: null,
      text: null,
    });
  });

  it("turns days into unix seconds with both days included, and trims the search", () => {
    const f = runFilter(" cat portrait ", {
      ...NO_CONTROLS,
      from: "2026-02-28",
      until: "2026-03-01",
      workflow: "reference",
      backend: "Offline demo",
    });
    expect(f.since).toBe(new Date(2026, 1, 28).getTime() / 1000);
    expect(f.until).toBe(new Date(2026, 2, 2).getTime() / 1000);
    expect(Number.isInteger(f.since)).toBe(true);
    expect(f).toMatchObject({
      text: "cat portrait",
      workflow: "reference",
      backend: "Offline demo",
    });
  });

  it("sends the statuses in one order whatever order they were pressed in", () => {
    expect(runFilter("", { ...NO_CONTROLS, statuses: ["canceled", "queued"] }).statuses).toEqual([
      "queued",
      "canceled",
    ]);
  });
});

describe("toggleStatus and activeControls", () => {
  it("adds and takes away one status", () => {
    let s = toggleStatus([], "failed");
    s = toggleStatus(s, "succeeded");
    expect(s).toEqual(["succeeded", "failed"]);
    expect(toggleStatus(s, "failed")).toEqual(["succeeded"]);
  });

  it("counts the controls that narrow the list", () => {
    expect(activeControls(NO_CONTROLS)).toBe(0);
    expect(
      activeControls({ ...NO_CONTROLS, statuses: ["failed", "queued"], from: "2026-01-01" }),
    ).toBe(2);
  });
});
