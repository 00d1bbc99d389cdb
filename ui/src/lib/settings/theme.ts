// Applies the colour scheme by setting <html data-theme="dark|light">, which app.css keys its
// variables on. "system" follows the desktop's preference live through matchMedia. Leaves out
// any per-component colours: components only read the variables.

import type { Theme } from "../bindings/Theme";

export type Scheme = "dark" | "light";

const LIGHT_QUERY = "(prefers-color-scheme: light)";

// Only one theme is applied at a time, so one listener at most follows the system.
let stopFollowing: (() => void) | null = null;

/** The scheme a theme shows when the system prefers light (`prefersLight`) or not. */
export function schemeFor(theme: Theme, prefersLight: boolean): Scheme {
  if (theme === "system") return prefersLight ? "light" : "dark";
  return theme;
}

/** Shows `theme` now; with "system", keeps following the desktop until another theme is set. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  stopFollowing?.();
  stopFollowing = null;
  // Without matchMedia (old webviews, tests) "system" means the dark default.
  const media =
    theme === "system" && typeof globalThis.matchMedia === "function"
      ? globalThis.matchMedia(LIGHT_QUERY)
      : null;
  const show = () => {
    root.dataset.theme = schemeFor(theme, media?.matches ?? false);
  };
  show();
  if (media) {
    media.addEventListener("change", show);
    stopFollowing = () => media.removeEventListener("change", show);
  }
}
