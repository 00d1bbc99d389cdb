import { afterEach, describe, expect, it, vi } from "vitest";
import { applyTheme, schemeFor } from "./theme";

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
