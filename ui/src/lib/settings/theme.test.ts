import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyTheme, EARLY_THEME_SCRIPT, schemeFor, THEME_KEY } from "./theme";

// A stand-in for matchMedia's MediaQueryList whose `matches` the test flips.
function fakeMedia(matches: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
    flip(next: boolean) {
      media.matches = next;
      listeners.forEach((fn) => fn());
    },
    listeners,
  };
  vi.stubGlobal(
    "matchMedia",
    vi.fn(() => media),
  );
  return media;
}

afterEach(() => {
  applyTheme("dark");
  vi.unstubAllGlobals();
});

describe("schemeFor", () => {
  it("keeps explicit themes and resolves system", () => {
    expect(schemeFor("dark", true)).toBe("dark");
    expect(schemeFor("light", false)).toBe("light");
    expect(schemeFor("system", true)).toBe("light");
    expect(schemeFor("system", false)).toBe("dark");
  });
});

describe("applyTheme", () => {
  const theme = () => document.documentElement.dataset.theme;

  it("sets the explicit theme on <html>", () => {
    applyTheme("light");
    expect(theme()).toBe("light");
    applyTheme("dark");
    expect(theme()).toBe("dark");
  });

  it("follows the system preference live, and stops when a theme is chosen", () => {
    const media = fakeMedia(true);
    applyTheme("system");
    expect(globalThis.matchMedia).toHaveBeenCalledWith("(prefers-color-scheme: light)");
    expect(theme()).toBe("light");
    media.flip(false);
    expect(theme()).toBe("dark");
    media.flip(true);
    expect(theme()).toBe("light");

    applyTheme("dark");
    expect(media.listeners.size).toBe(0);
    media.flip(true);
    expect(theme()).toBe("dark");
  });

  it("falls back to dark when matchMedia is missing", () => {
    vi.stubGlobal("matchMedia", undefined);
    applyTheme("system");
    expect(theme()).toBe("dark");
  });
});

describe("the early theme script", () => {
  // What index.html runs before the first paint, run here as the page would run it.
  const runEarly = () => new Function(EARLY_THEME_SCRIPT)() as void;
  const root = document.documentElement;

  // The file's afterEach applies (and so remembers) dark: each test starts with nothing kept.
  beforeEach(() => {
    localStorage.clear();
    performance.clearMarks();
  });

  it("shows the theme last applied, remembered by applyTheme", () => {
    fakeMedia(true);
    applyTheme("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    delete root.dataset.theme;
    runEarly();
    expect(root.dataset.theme).toBe("dark");
    const mark = performance.getEntriesByName("easel:theme-early")[0] as PerformanceMark;
    expect(mark.detail).toBe("dark");
    applyTheme("light");
    runEarly();
    expect(root.dataset.theme).toBe("light");
  });

  it("follows the system when nothing is remembered or the theme is system", () => {
    fakeMedia(true);
    runEarly();
    expect(root.dataset.theme).toBe("light");
    localStorage.setItem(THEME_KEY, "system");
    fakeMedia(false);
    runEarly();
    expect(root.dataset.theme).toBe("dark");
  });

  it("resolves the theme with schemeFor itself, not a copy of it", () => {
    expect(EARLY_THEME_SCRIPT).toContain(schemeFor.toString());
  });

  it("shows a remembered light theme even without matchMedia", () => {
    localStorage.setItem(THEME_KEY, "light");
    vi.stubGlobal("matchMedia", undefined);
    runEarly();
    expect(root.dataset.theme).toBe("light");
  });

  it("follows the dark default when the system cannot be asked", () => {
    vi.stubGlobal("matchMedia", undefined);
    runEarly();
    expect(root.dataset.theme).toBe("dark");
  });

  it("leaves the page as it is when the storage cannot be read", () => {
    vi.spyOn(Storage.prototype, "getItem").mockImplementation(() => {
      throw new Error("no storage");
    });
    delete root.dataset.theme;
    runEarly();
    expect(root.dataset.theme).toBeUndefined();
  });
});
