// The Favourites view's state: the list as the backend keeps it, whether each favourite runs as
// it stands (one `workflow_readiness` call for the whole list whenever it loads or changes), the
// search, one toast (with Undo after a delete) and the last error. Every change goes through the
// host and the list is updated from its answer. Leaves out multi-select and sorting other than
// most recent first.

import type { AppError } from "../bindings/AppError";
import type { Favourite } from "../bindings/Favourite";
import type { Readiness } from "../bindings/Readiness";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { toAppError } from "../errors";
import { workflowReadiness } from "../host";
import {
  deleteFavourite,
  duplicateFavourite,
  exportFavourites,
  importFavourites,
  listFavourites,
  renameFavourite,
  restoreFavourite,
  runFavourite,
} from "../host/favourites";
import { withConsent } from "../run/consent.svelte";
import type { StartRuns } from "../run/runs.svelte";
import { filterFavourites } from "./search";

/** A short message; `undo` is the favourite a delete removed. Text is a catalogue key so the
 * toast follows a language switch. */
export type Toast = {
  key: string;
  params?: Record<string, string | number>;
  undo?: Favourite;
};

/** How long a toast stays, long enough to reach Undo. */
export const TOAST_MS = 8000;

/** Workflows one `workflow_readiness` call takes (the backend's limit). */
export const READINESS_BATCH = 500;

/** Most recently changed first, as the backend lists them. */
function recentFirst(items: Favourite[]): Favourite[] {
  return items.sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
}

export class FavouritesState {
  items = $state<Favourite[]>([]);
  load = $state<"idle" | "loading" | "ready" | "failed">("idle");
  query = $state("");
  toast = $state<Toast | null>(null);
  error = $state<AppError | null>(null);
  /** Ids whose run is being started (Run is one click; a second one waits). */
  starting = $state<string[]>([]);
  /** Whether each favourite (by id) runs as it stands; missing while unknown. */
  readiness = $state.raw<Record<string, Readiness>>({});

  readonly shown = $derived(filterFavourites(this.items, this.query));

  #listSeq = 0;
  #readinessSeq = 0;
  #toastTimer: ReturnType<typeof setTimeout> | undefined;

  /** Fetches the list; a newer refresh wins over an older one still under way. */
  async refresh(): Promise<void> {
    const seq = ++this.#listSeq;
    if (this.load !== "ready") this.load = "loading";
    try {
      const items = await listFavourites();
      if (seq !== this.#listSeq) return;
      this.items = items;
      this.load = "ready";
      void this.#checkReadiness();
    } catch (error) {
      if (seq !== this.#listSeq) return;
      this.error = toAppError(error);
      if (this.load !== "ready") this.load = "failed";
    }
  }

  /** Starts one run of a favourite through the queue's `start` (so its events reach the queue);
   * resolves with its run ids, or null when it failed. */
  async run(favourite: Favourite, start: StartRuns): Promise<string[] | null> {
    if (this.starting.includes(favourite.id)) return null;
    if (this.readinessOf(favourite)?.ready === false) return null;
    this.starting.push(favourite.id);
    try {
      const ids = await start((onEvent) =>
        withConsent((approved) => runFavourite(favourite.id, 1, onEvent, approved)),
      );
      if (ids === null) return null;
      this.#show({ key: "favourites.started", params: { name: favourite.name } });
      return ids;
    } catch (error) {
      this.error = toAppError(error);
      return null;
    } finally {
      this.starting = this.starting.filter((id) => id !== favourite.id);
    }
  }

  /** Whether `favourite` runs as it stands; null while unknown (Run is then not held back). */
  readinessOf(favourite: Favourite): Readiness | null {
    return this.readiness[favourite.id] ?? null;
  }

  /** Renames; an empty or unchanged name changes nothing. */
  async rename(favourite: Favourite, name: string): Promise<void> {
    const next = name.trim();
    if (next === "" || next === favourite.name) return;
    await this.#change(() => renameFavourite(favourite.id, next));
  }

  async duplicate(favourite: Favourite, copySuffix: string): Promise<void> {
    await this.#change(() => duplicateFavourite(favourite.id, copySuffix));
  }

  /** Deletes and offers Undo in the toast. */
  async remove(favourite: Favourite): Promise<void> {
    try {
      const removed = await deleteFavourite(favourite.id);
      this.items = this.items.filter((f) => f.id !== removed.id);
      this.#show({ key: "favourites.deleted", params: { name: removed.name }, undo: removed });
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  /** Puts back the favourite of the toast's Undo. */
  async undo(): Promise<void> {
    const removed = this.toast?.undo;
    if (!removed) return;
    this.dismissToast();
    await this.#change(() => restoreFavourite(removed));
  }

  /** Exports the given favourites (all when `ids` is empty) to a file the person picks. */
  async export(ids: string[]): Promise<void> {
    try {
      const path = await exportFavourites(ids);
      if (path !== null) this.#show({ key: "favourites.exported", params: { path } });
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  async import(): Promise<void> {
    try {
      const added = await importFavourites();
      if (added === null) return;
      this.items = recentFirst([...this.items, ...added]);
      void this.#checkReadiness();
      this.#show(
        added.length === 1
          ? { key: "favourites.imported.one" }
          : { key: "favourites.imported.other", params: { count: added.length } },
      );
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  dismissToast(): void {
    clearTimeout(this.#toastTimer);
    this.toast = null;
  }

  dismissError(): void {
    this.error = null;
  }

  dispose(): void {
    clearTimeout(this.#toastTimer);
  }

  // Asks whether every listed favourite runs as it stands: one call for the list (split only past
  // the backend's limit); a newer check wins. Unanswered, the badges stay away and Run is not
  // held back (starting a run checks again).
  async #checkReadiness(): Promise<void> {
    const seq = ++this.#readinessSeq;
    const listed = this.items.map((f) => ({
      id: f.id,
      doc: $state.snapshot(f.doc) as WorkflowDoc,
    }));
    const answers: Readiness[] = [];
    try {
      for (let at = 0; at < listed.length; at += READINESS_BATCH) {
        const docs = listed.slice(at, at + READINESS_BATCH).map((f) => f.doc);
        answers.push(...(await workflowReadiness(docs)));
      }
    } catch {
      if (seq === this.#readinessSeq) this.readiness = {};
      return;
    }
    if (seq !== this.#readinessSeq) return;
    this.readiness = Object.fromEntries(listed.map((f, i) => [f.id, answers[i]]));
  }

  #show(toast: Toast): void {
    clearTimeout(this.#toastTimer);
    this.toast = toast;
    this.#toastTimer = setTimeout(() => (this.toast = null), TOAST_MS);
  }

  // Applies the favourite a host call answers with (new or changed) to the list.
  async #change(action: () => Promise<Favourite>): Promise<void> {
    try {
      const changed = await action();
      this.items = recentFirst([...this.items.filter((f) => f.id !== changed.id), changed]);
      void this.#checkReadiness();
    } catch (error) {
      this.error = toAppError(error);
    }
  }
}
