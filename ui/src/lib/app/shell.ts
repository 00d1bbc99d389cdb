// The window's first frame, painted from index.html before any script has run: the app bar with
// Easel's brand on the app's background. AppBar draws the same brand from `BRAND_HTML`, and both
// are styled by the same global classes in app.css (a render-blocking sheet, so it is there at
// that first paint), so the bar the script mounts over the shell lines up with it exactly and
// the start shows no jump. The app mounts once the shell has painted (`afterFirstPaint`).
// Leaves out everything that needs the script: the views, the backend badge, the open workflow.
// Text beyond the brand's name would be in one language before the catalogue is known, so there
// is none.

// With its extension: vite.config.ts loads this file, and Vite's coming native config loader
// resolves only full paths.
import { EARLY_THEME_SCRIPT } from "../settings/theme.ts";

/** The brand: the logo (an SVG, so the first paint has content even where the name is hidden
 * below 1340 px) and the name. The same markup in the shell and in AppBar. */
export const BRAND_HTML =
  '<div class="app-brand">' +
  '<svg class="app-logo" viewBox="0 0 18 18" width="18" height="18" aria-hidden="true">' +
  '<defs><linearGradient id="app-logo-fill" x1="0" y1="0" x2="1" y2="1">' +
  '<stop offset="0" stop-color="#8fa8ff"/><stop offset="0.55" stop-color="#b083f0"/>' +
  '<stop offset="1" stop-color="#f08ab8"/></linearGradient></defs>' +
  '<rect width="18" height="18" rx="5" fill="url(#app-logo-fill)"/>' +
  '<rect x="0.5" y="0.5" width="17" height="17" rx="4.5" fill="none" stroke="#fff" stroke-opacity="0.18"/>' +
  "</svg>" +
  '<span class="app-name spoken-only-below-1340">Easel</span>' +
  "</div>";

/** Where index.html takes the shell. */
export const SHELL_SLOT = "<!-- app shell -->";

/** Where index.html's head takes the early theme script (lib/settings/theme.ts). */
export const THEME_SLOT = "<!-- app theme -->";

/** The shell: the bar with the brand, marked so the app can find and take it. */
export const SHELL_HTML = `<div class="app-shell" data-shell><header class="app-bar">${BRAND_HTML}</header></div>`;

/** index.html with the shell and the early theme script in their slots (the build's
 * transform, and what tests check). Tauri adds the inline script's hash to the CSP. */
export function withShell(html: string): string {
  for (const slot of [SHELL_SLOT, THEME_SLOT]) {
    if (!html.includes(slot)) throw new Error(`index.html has no ${slot}`);
  }
  return html
    .replace(SHELL_SLOT, SHELL_HTML)
    .replace(THEME_SLOT, `<script>${EARLY_THEME_SCRIPT}</script>`);
}

/** Takes the shell out of the mount target, just before the app mounts in the same task, so
 * no frame shows both. */
export function takeShell(target: Element): void {
  for (const shell of target.querySelectorAll(":scope > [data-shell]")) shell.remove();
}

/** The longest the mount waits for the shell's first paint: a window that starts hidden gets no
 * animation frames, and must not wait for them. */
export const PAINT_WAIT_MS = 100;

/** Runs `then` once the window has painted something (the shell), at most `PAINT_WAIT_MS` late.
 * Mounting and styling the app takes tens of milliseconds of main thread; when the bundle is
 * ready before WebKit's first rendering update, mounting at once holds the shell's paint back
 * until the app is drawn (measured: first paint 94 ms after navigation instead of about 35). */
export function afterFirstPaint(then: () => void): void {
  if (performance.getEntriesByType("paint").length > 0) return then();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  // A frame's callbacks run before its paint; a task queued from one runs after it.
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, PAINT_WAIT_MS);
}
