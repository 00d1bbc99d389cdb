// The gallery's state: the search, sort and filters that make the query, the results, facets and
// totals, the selection, and keeping all of it fresh (when the view becomes visible and when the
// library changes). Actions on images live in actions.ts; what is shown lives in the components.
// Leaves out persisting the query between sessions.

import type { ImageId } from "../bindings/ImageId";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { LibraryCounts } from "../bindings/LibraryCounts";
import type { LibraryFacets } from "../bindings/LibraryFacets";
import type { Sort } from "../bindings/Sort";
import { libraryCounts, libraryFacets, onImportProgress, onLibraryChanged } from "../host/library";
import { ImageActions } from "./actions";
import { Feedback } from "./feedback.svelte";
import type { Direction } from "./keys";
import { imageFilter, NO_FILTERS, sortForSearch, type Filters } from "./query";
import { Results, type BaseQuery } from "./results.svelte";
import {
  choose,
  EMPTY,
  only,
  selectAll,
  step,
  without,
  type Modifiers,
  type Selection,
} from "./selection";

/** Typing pauses this long before the search runs. */
export const SEARCH_MS = 200;
/** Library changes closer together than this cause one refresh (imports and batches send many). */
export const REFRESH_MS = 300;

export class Gallery {
  readonly feedback = new Feedback();
  readonly results = new Results((error) => this.feedback.fail(error));
  readonly actions = new ImageActions(this);

  /** The search box's text (the results follow it after a pause). */
  text = $state("");
  sort: Sort = $state("newest");
  filters: Filters = $state.raw({ ...NO_FILTERS });
  facets: LibraryFacets = $state.raw({ models: [], tags: [], workflows: [] });
  counts: LibraryCounts | null = $state.raw(null);
  selection: Selection = $state.raw(EMPTY);
  /** The folder import under way, if any. */
  importing: ImportProgress | null = $state.raw(null);

  private searched = "";
  private sortBefore: Sort | null = null;
  private loaded = false;
  private active = false;
  /** The query changed while hidden: becoming visible loads it anew instead of refreshing. */
  private changedWhileHidden = false;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private stops: (() => void)[] = [];
  private disposed = false;

  /** Listens to the library. Call once; `dispose` stops listening. */
  async start(): Promise<void> {
    const listen = async (subscribe: () => Promise<() => void>) => {
      const stop = await subscribe();
      if (this.disposed) stop();
      else this.stops.push(stop);
    };
    await this.feedback.attempt(async () => {
      await listen(() => onLibraryChanged(() => this.changed()));
      await listen(() => onImportProgress((p) => this.actions.importProgress(p)));
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of [this.searchTimer, this.refreshTimer]) if (timer) clearTimeout(timer);
    this.feedback.dispose();
  }

  /** The view became visible (true) or hidden (false); visible means fresh. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) return;
    if (this.loaded && !this.changedWhileHidden) this.refresh();
    else {
      this.loaded = true;
      this.changedWhileHidden = false;
      this.load(false);
      this.refreshTotals();
    }
  }

  /** Shows only the images of one run (the History view's "show images in gallery"): the
   * search and every other filter are cleared, so nothing hides one of them. */
  showRun(runId: string): void {
    this.#showOnly({ ...NO_FILTERS, run: runId });
  }

  /** Opens a sweep's stack: its grid and every cell, with nothing else narrowing them. */
  showSweep(sweepId: string): void {
    this.#showOnly({ ...NO_FILTERS, sweep: sweepId });
  }

  #showOnly(filters: Filters): void {
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = null;
    const next = sortForSearch({ sort: this.sort, before: this.sortBefore }, this.searched, "");
    this.sort = next.sort;
    this.sortBefore = next.before;
    this.text = "";
    this.searched = "";
    this.filters = filters;
    if (this.active) this.load(false);
    else this.changedWhileHidden = true;
  }

  /** Whether a search is typed (relevance is a meaningful order only then). */
  get searching(): boolean {
    return this.text.trim() !== "";
  }

  setText(text: string): void {
    this.text = text;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.search(), SEARCH_MS);
  }

  setSort(sort: Sort): void {
    this.sort = sort;
    this.load(false);
  }

  setFilters(change: Partial<Filters>): void {
    this.filters = { ...this.filters, ...change };
    this.load(false);
  }

  /** Clears the narrowing filters, staying in the gallery or the trash. */
  clearFilters(): void {
    this.setFilters({ ...NO_FILTERS, trashed: this.filters.trashed });
  }

  /** Reloads everything in place (keeps the scroll position and shows the old items meanwhile). */
  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.load(true);
    this.refreshTotals();
  }

  /** After a failure: dismisses the error and fetches again. */
  retry(): void {
    this.feedback.dismissError();
    this.refresh();
  }

  // Selection

  get selectedIds(): ImageId[] {
    return [...this.selection.ids];
  }

  click(index: number, id: ImageId, mods: Modifiers): void {
    this.selection = choose(this.selection, index, id, mods, (a, b) =>
      this.results.idsBetween(a, b),
    );
  }

  /** Moves the keyboard position; with `extend`, the selection grows from the anchor. */
  move(to: Direction, extend: boolean, columns: number): void {
    const index = step(this.selection.current, to, columns, this.results.total);
    if (index === null) return;
    const item = this.results.itemAt(index);
    if (!item) this.selection = { ...this.selection, current: index };
    else this.click(index, item.id, { toggle: false, range: extend });
  }

  selectAll(): void {
    this.selection = selectAll(this.selection, this.results.loadedIds());
  }

  clearSelection(): void {
    this.selection = { ...EMPTY, current: this.selection.current };
  }

  /** Forgets images that left the view (trashed or restored). */
  unselect(ids: ImageId[]): void {
    this.selection = without(this.selection, ids);
  }

  /** Puts the keyboard position on `index` (the viewer moving) with that image selected. */
  focus(index: number): void {
    const item = this.results.itemAt(index);
    this.selection = item ? only(index, item.id) : { ...this.selection, current: index };
  }

  private get query(): BaseQuery {
    return { filter: imageFilter(this.searched, this.filters), sort: this.sort };
  }

  private search(): void {
    this.searchTimer = null;
    const next = sortForSearch(
      { sort: this.sort, before: this.sortBefore },
      this.searched,
      this.text,
    );
    this.sort = next.sort;
    this.sortBefore = next.before;
    this.searched = this.text;
    this.load(false);
  }

  /** A new query (`soft` false: back to the top, nothing selected) or a refresh of this one. */
  private load(soft: boolean): void {
    if (!soft) this.selection = EMPTY;
    this.results.reload(this.query, soft);
  }

  /** The filter menus' values and the trash count (they do not depend on the query). */
  refreshTotals(): void {
    void this.feedback.attempt(async () => {
      const [facets, counts] = await Promise.all([libraryFacets(), libraryCounts()]);
      this.facets = facets;
      this.counts = counts;
    });
  }

  /** The library changed: refresh soon if visible (becoming visible refreshes anyway). */
  private changed(): void {
    if (this.active) this.refreshSoon();
  }

  /** One refresh for a burst of changes. */
  refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => this.refresh(), REFRESH_MS);
  }
}
