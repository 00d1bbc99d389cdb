import { describe, expect, it } from "vitest";
import {
  chosenIn,
  clickRow,
  keepShown,
  keyOnList,
  NO_SELECTION,
  type Modifiers,
  type Selection,
} from "./selection";

const ROWS = ["e", "d", "c", "b", "a"];
const plain: Modifiers = { shift: false, toggle: false };
const shift: Modifiers = { shift: true, toggle: false };
const toggle: Modifiers = { shift: false, toggle: true };
const chosen = (s: Selection) => chosenIn(s, ROWS);

function clicks(...steps: [string, Modifiers][]): Selection {
  return steps.reduce((s, [id, mods]) => clickRow(s, ROWS, id, mods), NO_SELECTION);
}

function keys(start: Selection, ...steps: [string, Modifiers][]): Selection {
  return steps.reduce((s, [key, mods]) => keyOnList(s, ROWS, key, mods) ?? s, start);
}

describe("clicks", () => {
  it("choose one row, and the next click another instead", () => {
    expect(chosen(clicks(["c", plain]))).toEqual(["c"]);
    expect(chosen(clicks(["c", plain], ["a", plain]))).toEqual(["a"]);
  });

  it("shift-click chooses the range from the anchor, either way, and re-ranges from it", () => {
    expect(chosen(clicks(["d", plain], ["b", shift]))).toEqual(["d", "c", "b"]);
    expect(chosen(clicks(["b", plain], ["e", shift]))).toEqual(["e", "d", "c", "b"]);
    // The anchor stays where it was: a second shift-click replaces the range.
    expect(chosen(clicks(["c", plain], ["a", shift], ["d", shift]))).toEqual(["d", "c"]);
    // With no anchor yet, a shift-click is a plain click.
    expect(chosen(clicks(["b", shift]))).toEqual(["b"]);
  });

  it("ctrl/cmd-click toggles one row, keeps the others, and moves the anchor there", () => {
    const s = clicks(["e", plain], ["c", toggle], ["a", toggle], ["e", toggle]);
    expect(chosen(s)).toEqual(["c", "a"]);
    expect(s.anchor).toBe("e");
    // Ctrl+shift adds the range from the anchor to what was there.
    const added = clicks(["a", plain], ["d", toggle], ["c", { shift: true, toggle: true }]);
    expect(chosen(added)).toEqual(["d", "c", "a"]);
  });
});

describe("keys", () => {
  it("arrows move the focus without choosing; space toggles the focused row", () => {
    const s = keys(NO_SELECTION, ["ArrowDown", plain], ["ArrowDown", plain]);
    expect(s.focus).toBe("d");
    expect(chosen(s)).toEqual([]);
    const toggled = keys(s, [" ", plain], ["ArrowDown", plain], ["ArrowDown", plain], [" ", plain]);
    expect(chosen(toggled)).toEqual(["d", "b"]);
    expect(chosen(keys(toggled, [" ", plain]))).toEqual(["d"]);
  });

  it("shift+arrows extend the range from the anchor, and shrink it going back", () => {
    const from = clicks(["d", plain]);
    const down = keys(from, ["ArrowDown", shift], ["ArrowDown", shift]);
    expect(chosen(down)).toEqual(["d", "c", "b"]);
    expect(chosen(keys(down, ["ArrowUp", shift]))).toEqual(["d", "c"]);
    expect(chosen(keys(down, ["ArrowUp", shift], ["ArrowUp", shift], ["ArrowUp", shift]))).toEqual([
      "e",
      "d",
    ]);
    // Without an anchor the range starts at the focused row.
    const fresh = keys(NO_SELECTION, ["ArrowDown", plain], ["ArrowDown", shift]);
    expect(chosen(fresh)).toEqual(["e", "d"]);
  });

  it("stop at the ends, Home/End jump there, ctrl+A chooses all and Escape none", () => {
    expect(keys(NO_SELECTION, ["ArrowUp", plain], ["ArrowUp", plain]).focus).toBe("e");
    const end = keys(clicks(["c", plain]), ["End", shift]);
    expect(chosen(end)).toEqual(["c", "b", "a"]);
    expect(keys(end, ["ArrowDown", plain]).focus).toBe("a");
    expect(chosen(keys(end, ["a", toggle]))).toEqual(ROWS);
    expect(chosen(keys(end, ["Escape", plain]))).toEqual([]);
  });

  it("leave keys that are not the list's to others", () => {
    expect(keyOnList(NO_SELECTION, ROWS, "a", plain)).toBeNull();
    expect(keyOnList(NO_SELECTION, ROWS, "Enter", plain)).toBeNull();
    // Escape with nothing chosen is not the list's either (a dialog may want it).
    expect(keyOnList(NO_SELECTION, ROWS, "Escape", plain)).toBeNull();
    expect(keyOnList(NO_SELECTION, [], "ArrowDown", plain)).toBe(NO_SELECTION);
  });
});

describe("keepShown", () => {
  it("forgets rows that left, and keeps the same selection when none did", () => {
    const s = clicks(["d", plain], ["b", shift]);
    expect(keepShown(s, ROWS)).toBe(s);
    const kept = keepShown(s, ["e", "c", "b"]);
    expect([...kept.ids]).toEqual(["c", "b"]);
    expect(kept.anchor).toBeNull();
    expect(kept.focus).toBe("b");
  });
});
