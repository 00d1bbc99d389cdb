/**
 * The views other than Generate, loaded on first visit instead of with the start-up bundle: the
 * window's first paint then parses and styles only what Generate needs (issue 18, BENCHMARKS.md).
 * `preloadViews` fetches them all once start-up has settled, so a first visit stays instant.
 * Leaves out when a view mounts and what it is handed (App.svelte).
 */

/** How long after the window mounts the other views are fetched in the background. */
export const PRELOAD_AFTER_MS = 1500;

export const views = {
  gallery: () => import("../gallery/GalleryView.svelte"),
  favourites: () => import("../favourites/FavouritesView.svelte"),
  history: () => import("../history/HistoryView.svelte"),
  settings: () => import("../settings/SettingsView.svelte"),
};

/** Fetches every view once the window has been up for `PRELOAD_AFTER_MS`; returns a cancel. */
export function preloadViews(): () => void {
  const timer = setTimeout(() => {
    for (const [name, load] of Object.entries(views)) {
      // A failure here is not final: the visit imports again and shows its own error.
      load().catch((error: unknown) =>
        console.warn(`Easel: could not preload the ${name} view`, error),
      );
    }
  }, PRELOAD_AFTER_MS);
  return () => clearTimeout(timer);
}
