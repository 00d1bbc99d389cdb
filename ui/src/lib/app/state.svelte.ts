// The app store: which backend runs the jobs, the saved settings and the recently opened files,
// as the window last heard them. Loaded once at start; the Settings view (which gets the store
// from context, context.ts) reports each save through `saved`, and opening a file refreshes the
// recent list. Leaves out editing settings (the Settings view's own state) and applying theme and
// language (settings/apply.ts).

import type { BackendInfo } from "../bindings/BackendInfo";
import type { Settings } from "../bindings/Settings";
import * as host from "../host";
import { loadSettings } from "../host/settings";

/** Credits above which a run asks first, until Settings say otherwise. */
export const DEFAULT_CONFIRM_ABOVE = 10;

export class AppState {
  /** Null until known, or when the backend could not say. */
  backend = $state.raw<BackendInfo | null>(null);
  /** The saved settings (null until loaded, or when they could not be read). */
  settings = $state.raw<Settings | null>(null);
  /** Recently opened workflow files, newest first. */
  recent = $state.raw<string[]>([]);
  /** Called after a save switched the backend (the open document's form is the old backend's). */
  onswitch: (() => void) | null = null;

  /** The credit threshold above which a batch asks first. */
  get confirmAbove(): number {
    return this.settings?.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  }

  /** Asks for all three at once; each one that fails stays as it was. */
  async load(): Promise<void> {
    const [backend, settings, recent] = await Promise.allSettled([
      host.backendInfo(),
      loadSettings(),
      host.recentFiles(),
    ]);
    if (backend.status === "fulfilled") this.backend = backend.value;
    if (settings.status === "fulfilled") this.settings = settings.value;
    if (recent.status === "fulfilled") this.recent = recent.value;
  }

  /** Settings were saved (the Settings view calls this): the backend they chose comes with them. */
  saved(settings: Settings, backend: BackendInfo): void {
    const switched =
      this.backend?.kind !== backend.kind || this.backend?.endpoint !== backend.endpoint;
    this.settings = settings;
    this.backend = backend;
    if (switched) this.onswitch?.();
  }

  /** A file was opened: the backend has put it first. */
  async refreshRecent(): Promise<void> {
    try {
      this.recent = await host.recentFiles();
    } catch {
      // The list is a convenience; the workflow itself is open (or its error is shown).
    }
  }
}
