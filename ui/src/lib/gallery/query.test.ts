import { describe, expect, it } from "vitest";
import { activeFilters, dayEnd, dayStart, imageFilter, NO_FILTERS, sortForSearch } from "./query";

describe("imageFilter", () => {
  it("sends nothing that does not filter", () => {
    expect(imageFilter("  ", NO_FILTERS)).toEqual({
      text: null,
      favouritesOnly: false,
      model: null,
      tag: null,
      workflow: null,
      from: null,
      until: null,
      minWidth: null,
      minHeight: null,
      trashed: false,
    });
  });

  it("includes both days of a date range and applies the size to both sides", () => {
    const f = imageFilter(" cat ", {
      ...NO_FILTERS,
      from: "2024-03-01",
      until: "2024-03-01",
      minSize: 1024,
      tag: "best",
    });
    expect(f.text).toBe("cat");
    expect(f.from).toBe(new Date(2024, 2, 1).getTime());
    expect(f.until).toBe(new Date(2024, 2, 2).getTime());
    expect(f).toMatchObject({ minWidth: 1024, minHeight: 1024, tag: "best" });
  });

  it("reads days as local dates and rejects other text", () => {
    expect(dayStart("2024-12-31")).toBe(new Date(2024, 11, 31).getTime());
    expect(dayEnd("2024-12-31")).toBe(new Date(2025, 0, 1).getTime());
    expect(dayStart("")).toBeNull();
    expect(dayEnd("31/12/2024")).toBeNull();
  });

  it("counts the narrowing filters, not the trash view", () => {
    expect(activeFilters({ ...NO_FILTERS, trashed: true })).toBe(0);
    expect(activeFilters({ ...NO_FILTERS, favouritesOnly: true, from: "2024-01-01" })).toBe(2);
    expect(activeFilters({ ...NO_FILTERS, run: "run-7" })).toBe(1);
    expect(activeFilters({ ...NO_FILTERS, sweep: "sweep-2" })).toBe(1);
  });

  it("sends the run only when one is chosen (the History view's show in gallery)", () => {
    expect(imageFilter("", { ...NO_FILTERS, run: "run-7" }).run).toBe("run-7");
    expect(imageFilter("", NO_FILTERS)).not.toHaveProperty("run");
    expect(imageFilter("", { ...NO_FILTERS, sweep: "sweep-2" }).sweep).toBe("sweep-2");
    expect(imageFilter("", NO_FILTERS)).not.toHaveProperty("sweep");
  });
});

describe("sortForSearch", () => {
  it("switches to relevance while searching and back afterwards", () => {
    let s = sortForSearch({ sort: "oldest", before: null }, "", "cat");
    expect(s).toEqual({ sort: "relevance", before: "oldest" });
    s = sortForSearch(s, "cat", "cats");
    expect(s.sort).toBe("relevance");
    s = sortForSearch(s, "cats", "");
    expect(s).toEqual({ sort: "oldest", before: null });
  });

  it("keeps an order chosen while searching", () => {
    const s = sortForSearch({ sort: "largest", before: "newest" }, "cat", "");
    expect(s).toEqual({ sort: "largest", before: null });
  });
});
