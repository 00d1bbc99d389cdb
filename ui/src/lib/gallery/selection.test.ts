import { describe, expect, it } from "vitest";
import { choose, EMPTY, selectAll, step, without, type Selection } from "./selection";

// Image at index i has id i + 1.
const between = (a: number, b: number) => {
  const ids = [];
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) ids.push(i + 1);
  return ids;
};
const plain = { toggle: false, range: false };
const toggle = { toggle: true, range: false };
const range = { toggle: false, range: true };
const ids = (s: Selection) => [...s.ids].sort((a, b) => a - b);

describe("choose", () => {
  it("selects one image on a plain click", () => {
    const s = choose(choose(EMPTY, 2, 3, plain, between), 5, 6, plain, between);
    expect(ids(s)).toEqual([6]);
    expect(s).toMatchObject({ anchor: 5, current: 5 });
  });

  it("toggles with Ctrl/⌘", () => {
    let s = choose(EMPTY, 2, 3, plain, between);
    s = choose(s, 4, 5, toggle, between);
    expect(ids(s)).toEqual([3, 5]);
    s = choose(s, 2, 3, toggle, between);
    expect(ids(s)).toEqual([5]);
  });

  it("selects a range from the anchor with Shift, either way, and adds it with Ctrl+Shift", () => {
    let s = choose(EMPTY, 5, 6, plain, between);
    s = choose(s, 2, 3, range, between);
    expect(ids(s)).toEqual([3, 4, 5, 6]);
    expect(s.anchor).toBe(5);
    s = choose(s, 7, 8, range, between);
    expect(ids(s)).toEqual([6, 7, 8]);
    s = choose(s, 0, 1, toggle, between);
    s = choose(s, 2, 3, { toggle: true, range: true }, between);
    expect(ids(s)).toEqual([1, 2, 3, 6, 7, 8]);
  });

  it("starts a range at the clicked image when there is no anchor", () => {
    expect(ids(choose(EMPTY, 4, 5, range, between))).toEqual([5]);
  });
});

describe("selectAll and without", () => {
  it("replaces the ids and removes trashed ones", () => {
    const s = selectAll({ ...EMPTY, current: 3 }, [1, 2, 3]);
    expect(s.current).toBe(3);
    expect(ids(without(s, [2]))).toEqual([1, 3]);
  });
});

describe("step", () => {
  it("moves within the grid and stays inside it", () => {
    expect(step(null, "right", 5, 100)).toBe(0);
    expect(step(null, "end", 5, 100)).toBe(99);
    expect(step(7, "down", 5, 100)).toBe(12);
    expect(step(2, "up", 5, 100)).toBe(0);
    expect(step(98, "down", 5, 100)).toBe(99);
    expect(step(3, "left", 5, 100)).toBe(2);
    expect(step(50, "home", 5, 100)).toBe(0);
    expect(step(3, "left", 5, 0)).toBeNull();
  });
});
