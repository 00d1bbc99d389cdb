// What the toolbar's controls mean as an `ImageQuery` filter: dates typed as days become Unix-ms
// bounds, the size preset becomes a minimum width and height, and the sort follows the search
// (relevance while searching, the previous order after). Pure. Leaves out validating dates beyond
// what <input type="date"> already guarantees.

import type { ImageFilter } from "../bindings/ImageFilter";
import type { Sort } from "../bindings/Sort";

export type Filters = {
  favouritesOnly: boolean;
  /** A model's identifier (`ModelRef.ident`). */
  model: string | null;
  tag: string | null;
  workflow: string | null;
  /** First day included, `YYYY-MM-DD`, or "". */
  from: string;
  /** Last day included, `YYYY-MM-DD`, or "". */
  until: string;
  /** Minimum width and height in pixels. */
  minSize: number | null;
  /** The library's trash instead of the gallery. */
  trashed: boolean;
  /** Only the images of this run (Easel's run id), set from the History view. */
  run: string | null;
  /** Only the cells of this sweep (opening a grid's stack). */
  sweep: string | null;
};

export const NO_FILTERS: Filters = {
  favouritesOnly: false,
  model: null,
  tag: null,
  workflow: null,
  from: "",
  until: "",
  minSize: null,
  trashed: false,
  run: null,
  sweep: null,
};

/** The size presets offered. */
export const MIN_SIZES = [512, 1024, 2048] as const;

/** Local midnight at the start of `day` (`YYYY-MM-DD`), or null for "". */
export function dayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** Local midnight after `day`: the exclusive end that makes the day itself included. */
export function dayEnd(day: string): number | null {
  const start = dayStart(day);
  if (start === null) return null;
  const d = new Date(start);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}

/** The backend filter for a search text and the filter controls. */
export function imageFilter(text: string, f: Filters): ImageFilter {
  const words = text.trim();
  return {
    text: words === "" ? null : words,
    favouritesOnly: f.favouritesOnly,
    model: f.model,
    tag: f.tag,
    workflow: f.workflow,
    from: dayStart(f.from),
    until: dayEnd(f.until),
    minWidth: f.minSize,
    minHeight: f.minSize,
    trashed: f.trashed,
    // The binding declares `run` optional, not nullable: absent means every run.
    ...(f.run === null ? {} : { run: f.run }),
    ...(f.sweep === null ? {} : { sweep: f.sweep }),
  };
}

/** How many narrowing filters are on (the trash is a view, not a filter). */
export function activeFilters(f: Filters): number {
  return [
    f.favouritesOnly,
    f.model !== null,
    f.tag !== null,
    f.workflow !== null,
    f.from !== "",
    f.until !== "",
    f.minSize !== null,
    f.run !== null,
    f.sweep !== null,
  ].filter(Boolean).length;
}

export type SortState = {
  sort: Sort;
  /** The order to go back to when the search is cleared. */ before: Sort | null;
};

/** The sort after the search text changes from `previous` to `next`: relevance when a search
 * starts, the earlier order when it ends; a choice made while searching is kept. */
export function sortForSearch(state: SortState, previous: string, next: string): SortState {
  const was = previous.trim() !== "";
  const is = next.trim() !== "";
  if (!was && is) return { sort: "relevance", before: state.sort };
  if (was && !is) {
    const sort = state.sort === "relevance" ? (state.before ?? "newest") : state.sort;
    return { sort, before: null };
  }
  return state;
}
