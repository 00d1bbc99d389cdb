import { describe, expect, it } from "vitest";
import { catalogues } from "../i18n/index.svelte";
import { VIEW_SHORTCUTS, VIEWS, viewOfShortcut } from "../view";
import {
  SCOPES,
  SHORTCUTS,
  comboLabel,
  firesWhileTyping,
  keycaps,
  matchShortcut,
  matches,
  shortcutLabel,
} from "./shortcuts";

const key = (k: string, mods: Partial<KeyboardEventInit> = {}) =>
  new KeyboardEvent("keydown", { key: k, ...mods });

describe("SHORTCUTS", () => {
  it("has unique ids, a described entry for each, and known scopes", () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of SHORTCUTS) {
      expect(catalogues().en[s.description], s.id).toBeTruthy();
      expect(SCOPES).toContain(s.scope);
      expect(s.keys.length).toBeGreaterThan(0);
    }
  });

  it("lists what the product promises", () => {
    const combos = (id: string) => SHORTCUTS.find((s) => s.id === id)?.keys;
    expect(combos("run")).toEqual(["Mod+Enter"]);
    expect(combos("openFile")).toEqual(["Mod+O"]);
    expect(combos("saveFavourite")).toEqual(["Mod+S"]);
    expect(combos("searchGallery")).toEqual(["Mod+F"]);
    expect(["1", "2", "3", "4", "5"].map((k) => matchShortcut(key(k), ["app"], false))).toEqual([
      "viewGenerate",
      "viewGallery",
      "viewFavourites",
      "viewHistory",
      "viewSettings",
    ]);
    // View n of the top bar is key n.
    expect(VIEWS.map((v) => combos(VIEW_SHORTCUTS[v]))).toEqual(
      VIEWS.map((_, i) => [String(i + 1)]),
    );
    expect(viewOfShortcut("viewHistory")).toBe("history");
    expect(viewOfShortcut("help")).toBeNull();
    expect(combos("help")).toEqual(["?", "F1"]);
    expect(combos("undoDelete")).toEqual(["Mod+Z"]);
  });
});

describe("matches", () => {
  it("treats Ctrl and ⌘ alike for Mod and requires it", () => {
    expect(matches(key("s", { ctrlKey: true }), "Mod+S")).toBe(true);
    expect(matches(key("S", { metaKey: true }), "Mod+S")).toBe(true);
    expect(matches(key("s"), "Mod+S")).toBe(false);
    expect(matches(key("s", { ctrlKey: true, shiftKey: true }), "Mod+S")).toBe(false);
    expect(matches(key("1", { ctrlKey: true }), "1")).toBe(false);
    expect(matches(key("Enter", { ctrlKey: true }), "Mod+Enter")).toBe(true);
  });

  it("ignores Shift for symbols that need it on some layouts", () => {
    expect(matches(key("?", { shiftKey: true }), "?")).toBe(true);
    expect(matches(key("+", { shiftKey: true }), "+")).toBe(true);
    expect(matches(key("F", { shiftKey: true }), "F")).toBe(false);
    expect(matches(key("f"), "F")).toBe(true);
    expect(matches(key("F1"), "F1")).toBe(true);
    expect(matches(key("f"), "F1")).toBe(false);
  });
});

describe("matchShortcut", () => {
  it("lets the first scope shadow later ones", () => {
    expect(matchShortcut(key("1"), ["viewer", "app"], false)).toBe("actualSize");
    expect(matchShortcut(key("1"), ["app"], false)).toBe("viewGenerate");
    expect(matchShortcut(key("x"), ["viewer", "app"], false)).toBeNull();
  });

  it("keeps single keys for typing while a field has focus", () => {
    expect(firesWhileTyping("1")).toBe(false);
    expect(firesWhileTyping("Mod+S")).toBe(true);
    expect(firesWhileTyping("F1")).toBe(true);
    expect(firesWhileTyping("Escape")).toBe(true);
    expect(matchShortcut(key("?"), ["app"], true)).toBeNull();
    expect(matchShortcut(key("F1"), ["app"], true)).toBe("help");
    expect(matchShortcut(key("Enter", { ctrlKey: true }), ["generate"], true)).toBe("run");
    expect(matchShortcut(key("Escape"), ["app"], true)).toBe("close");
  });
});

describe("labels", () => {
  it("writes combos for each platform", () => {
    expect(keycaps("Mod+S", false)).toEqual(["Ctrl", "S"]);
    expect(comboLabel("Mod+S", false)).toBe("Ctrl+S");
    expect(comboLabel("Mod+S", true)).toBe("⌘S");
    expect(comboLabel("Mod+Enter", false)).toBe("Ctrl+↵");
    expect(comboLabel("ArrowLeft", false)).toBe("←");
    expect(comboLabel("+", false)).toBe("+");
    expect(comboLabel("Escape", true)).toBe("Esc");
    expect(shortcutLabel("saveFavourite", false)).toBe("Ctrl+S");
    expect(shortcutLabel("help", true)).toBe("?");
  });
});
