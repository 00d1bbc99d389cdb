// The app store as Svelte context: App.svelte sets it once, and views that read or report app-wide
// state (Settings) take it from there instead of through callback props. Leaves out the store
// itself (state.svelte.ts).

import { getContext, setContext } from "svelte";
import type { AppState } from "./state.svelte";

const KEY = Symbol("easel.app");

/** Makes `app` the store of every component below the caller (call while it initialises). */
export function setAppContext(app: AppState): AppState {
  return setContext(KEY, app);
}

/** The app store an ancestor set (call while initialising); throws when none did. */
export function getAppContext(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error("Easel: no app store in context (App.svelte calls setAppContext)");
  return app;
}

/** The app store an ancestor set, if one did (components also mounted alone, in tests). */
export function findAppContext(): AppState | undefined {
  return getContext<AppState | undefined>(KEY);
}

/** The context to mount a component with `app` as its store, as `mount(..., { context })` takes. */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[KEY, app]]);
}
