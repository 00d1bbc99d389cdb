import { describe, expect, it } from "vitest";
import { sameList, stableList } from "./stable";

describe("sameList", () => {
  it("compares items by identity, in order", () => {
    const a = { id: 1 };
    const b = { id: 2 };
    expect(sameList([a, b], [a, b])).toBe(true);
    expect(sameList([], [])).toBe(true);
    expect(sameList([a, b], [b, a])).toBe(false);
    expect(sameList([a], [a, b])).toBe(false);
    expect(sameList([a], [{ id: 1 }])).toBe(false);
  });
});

describe("stableList", () => {
  it("hands back the previous array while the items are the same", () => {
    const keep = stableList<string>();
    const first = keep(["a", "b"]);
    expect(keep(["a", "b"])).toBe(first);
    const changed = keep(["a", "c"]);
    expect(changed).toEqual(["a", "c"]);
    expect(changed).not.toBe(first);
    expect(keep(["a", "c"])).toBe(changed);
  });
});
