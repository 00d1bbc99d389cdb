import { describe, expect, it } from "vitest";
import { geometry, listHeight, rowCount, rowWindow, scrollToRow } from "./grid";

describe("geometry", () => {
  it("fits as many cells of at least the minimum size as the width allows", () => {
    const g = geometry(1200, 180, 6);
    expect(g.columns).toBe(6);
    expect(g.cell).toBe(195);
    expect(g.cell * g.columns + g.gap * (g.columns - 1)).toBeLessThanOrEqual(1200);
    expect(g.rowHeight).toBe(201);
  });

  it("keeps one column when the container is narrow or not measured yet", () => {
    expect(geometry(100).columns).toBe(1);
    expect(geometry(0)).toMatchObject({ columns: 1, cell: 1 });
  });
});

describe("list height", () => {
  it("depends only on the count, so the scrollbar is right for 100,000 images", () => {
    const g = geometry(1200, 180, 6);
    expect(rowCount(100_000, g.columns)).toBe(16_667);
    expect(listHeight(100_000, g)).toBe(16_667 * 201 - 6);
    expect(listHeight(0, g)).toBe(0);
  });
});

describe("rowWindow", () => {
  it("renders the visible rows plus overscan", () => {
    expect(rowWindow(0, 800, 1000, 200, 2)).toEqual({ first: 0, end: 6 });
    expect(rowWindow(10_000, 800, 1000, 200, 2)).toEqual({ first: 48, end: 56 });
  });

  it("stays inside the list", () => {
    expect(rowWindow(1e9, 800, 10, 200, 2)).toEqual({ first: 7, end: 10 });
    expect(rowWindow(-50, 800, 3, 200, 2)).toEqual({ first: 0, end: 3 });
    expect(rowWindow(0, 800, 0, 200, 2)).toEqual({ first: 0, end: 0 });
  });
});

describe("scrollToRow", () => {
  const g = geometry(1200, 180, 6);
  it("scrolls up or down only as far as needed", () => {
    expect(scrollToRow(0, 500, 800, g)).toBe(0);
    expect(scrollToRow(10, 0, 800, g)).toBe(10 * 201 + 195 - 800);
    expect(scrollToRow(1, 0, 800, g)).toBeNull();
  });
});
