// Applies the colour scheme by setting <html data-theme="dark|light">, which app.css keys its
// variables on. "system" follows the desktop's preference live through matchMedia. The theme
// last shown is remembered in the page's storage, so that index.html's early script
// (`EARLY_THEME_SCRIPT`, run before the first paint) shows the app shell in the right scheme
// before the settings arrive. Leaves out any per-component colours: components only read the
// variables.

import type { Theme } from "../bindings/Theme";

export type Scheme = "dark" | "light";

const LIGHT_QUERY = "(prefers-color-scheme: light)";

/** Where the theme last shown is kept for the next start's first paint. */
export const THEME_KEY = "easel.theme";

/** index.html's classic inline script, run while the page is parsed, before the first paint:
 * the remembered theme (none or unknown: "system", the default) resolved by `schemeFor` itself
 * (its source is put in the script), and a `easel:theme-early` mark carrying the remembered
 * theme (or null). Self-contained, since no module has loaded yet: `schemeFor` must stay a pure
 * function of its arguments. Anything it cannot read leaves app.css's dark default. */
export const EARLY_THEME_SCRIPT =
  `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});` +
  `var l=typeof matchMedia==="function"&&matchMedia(${JSON.stringify(LIGHT_QUERY)}).matches;` +
  `document.documentElement.dataset.theme=(${schemeFor.toString()})(t==="light"||t==="dark"?t:"system",l);` +
  'performance.mark("easel:theme-early",{detail:t})}catch(e){}';

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
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // No storage (a private or broken profile): the next start follows the system until the
    // settings arrive, as before there was a memory. Nothing to tell the person.
  }
  if (media) {
    media.addEventListener("change", show);
    stopFollowing = () => media.removeEventListener("change", show);
  }
}
