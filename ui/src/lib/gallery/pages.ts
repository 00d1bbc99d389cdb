// A sparse cache of result pages for the windowed grid. Keyset paging means page p can only be
// asked for with the cursor page p-1 returned, so pages are fetched in order up to the one needed
// (a jump to the bottom walks the chain), while pages whose cursor is already known are fetched
// directly, a few at a time. Far-away pages are evicted but their cursors are kept, so coming back
// costs one request. Plain TypeScript: the owner is told of changes through `onchange`. Generic
// over the item, its key and the cursor, so the History view's run list pages the same way.
// Leaves out retrying on its own: after a failure it waits for the next `reset()`.

import type { ImageId } from "../bindings/ImageId";
import type { ImageSummary } from "../bindings/ImageSummary";

/** Items per request. */
export const PAGE_SIZE = 200;

/** One page of a keyset-paged result: its items and the cursor of the next (null at the end). */
export type Keyset<T, C> = { items: T[]; nextCursor: C | null };

export type Loader<T = ImageSummary, C = string> = (cursor: C | null) => Promise<Keyset<T, C>>;

export type CacheOptions<T = ImageSummary, K = ImageId> = {
  /** What identifies an item (for selection ranges and optimistic patches). */
  key: (item: T) => K;
  onchange: () => void;
  onerror: (error: unknown) => void;
  /** Pages kept in memory (those in the wanted window are never evicted). */
  maxPages?: number;
  /** Requests in flight at once. */
  maxInFlight?: number;
};

export class PageCache<T = ImageSummary, C = string, K = ImageId> {
  private load: Loader<T, C> | null = null;
  private pages = new Map<number, T[]>();
  /** Pages of the previous generation, shown until their replacement arrives (soft reset). */
  private stale = new Map<number, T[]>();
  /** `cursors[p]` fetches page p; the array grows as the chain is walked. */
  private cursors: (C | null)[] = [null];
  private inFlight = new Set<number>();
  private wantedFirst = 0;
  private wantedLast = -1;
  private endCount: number | null = null;
  private generation = 0;
  private halted = false;
  private readonly maxPages: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: CacheOptions<T, K>) {
    this.maxPages = options.maxPages ?? 60;
    this.maxInFlight = options.maxInFlight ?? 3;
  }

  /** Starts over with a new query. `keepStale` keeps showing the old items meanwhile (a refresh
   * of the same query), instead of placeholders (a different query). */
  reset(load: Loader<T, C>, keepStale: boolean): void {
    this.generation++;
    this.load = load;
    this.stale = keepStale ? new Map([...this.stale, ...this.pages]) : new Map();
    this.pages = new Map();
    this.cursors = [null];
    this.inFlight = new Set();
    this.endCount = null;
    this.halted = false;
    this.pump();
  }

  /** Asks for the items `first..=last` (indices in the result set). */
  want(first: number, last: number): void {
    this.wantedFirst = Math.floor(Math.max(0, first) / PAGE_SIZE);
    this.wantedLast = last < first ? -1 : Math.floor(last / PAGE_SIZE);
    this.evict();
    this.pump();
  }

  /** The item at `index`, or null while its page is not loaded. */
  itemAt(index: number): T | null {
    const page = Math.floor(index / PAGE_SIZE);
    const items = this.pages.get(page) ?? this.stale.get(page);
    return items?.[index - page * PAGE_SIZE] ?? null;
  }

  /** Whether the page holding `index` has arrived: an index it lacks is then a row the backend
   * left out (the history skips rows a crash tore), not one still loading. */
  hasPage(index: number): boolean {
    const page = Math.floor(index / PAGE_SIZE);
    return this.pages.has(page) || this.stale.has(page);
  }

  /** The number of results, once the last page has been seen. */
  get end(): number | null {
    return this.endCount;
  }

  /** How many results are known from the top without a gap: the pages from the first on that
   * have arrived (or stay shown from before a refresh). */
  get known(): number {
    let n = 0;
    for (let p = 0; ; p++) {
      const items = this.pages.get(p) ?? this.stale.get(p);
      if (!items) return n;
      n += items.length;
      if (items.length < PAGE_SIZE) return n;
    }
  }

  /** Every item of the current generation in memory, in order. */
  loaded(): T[] {
    const order = [...this.pages.keys()].sort((a, b) => a - b);
    return order.flatMap((p) => this.pages.get(p)!);
  }

  /** The ids of the loaded items `from..=to` (either order). */
  idsBetween(from: number, to: number): K[] {
    const ids: K[] = [];
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
      const item = this.itemAt(i);
      if (item) ids.push(this.options.key(item));
    }
    return ids;
  }

  /** The items in memory with these ids. */
  loadedWith(ids: K[]): T[] {
    const wanted = new Set(ids);
    return this.loaded().filter((item) => wanted.has(this.options.key(item)));
  }

  /** Replaces the cached items with these ids by `change(item)` (optimistic updates). */
  patch(list: K[], change: (item: T) => T): void {
    const ids = new Set(list);
    const { key } = this.options;
    for (const map of [this.pages, this.stale]) {
      for (const [p, items] of map) {
        if (items.some((i) => ids.has(key(i))))
          map.set(
            p,
            items.map((i) => (ids.has(key(i)) ? change(i) : i)),
          );
      }
    }
    this.options.onchange();
  }

  private pump(): void {
    if (!this.load || this.halted) return;
    while (this.inFlight.size < this.maxInFlight) {
      const page = this.nextPage();
      if (page === null) return;
      this.fetch(page);
    }
  }

  /** The next page worth a request: the first wanted one whose cursor is known, else the next
   * link of the chain towards the wanted window. */
  private nextPage(): number | null {
    const endPage = this.endCount === null ? Infinity : Math.ceil(this.endCount / PAGE_SIZE);
    const last = Math.min(this.wantedLast, endPage - 1);
    for (let p = this.wantedFirst; p <= last; p++) {
      if (this.pages.has(p) || this.inFlight.has(p)) continue;
      if (p < this.cursors.length) return p;
      const frontier = this.cursors.length - 1;
      return this.inFlight.has(frontier) ? null : frontier;
    }
    return null;
  }

  private fetch(page: number): void {
    const generation = this.generation;
    this.inFlight.add(page);
    this.load!(this.cursors[page]).then(
      (result) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.store(page, result);
        this.options.onchange();
        this.pump();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.halted = true;
        this.options.onerror(error);
      },
    );
  }

  private store(page: number, result: Keyset<T, C>): void {
    this.pages.set(page, result.items);
    this.stale.delete(page);
    if (result.nextCursor === null) {
      this.endCount = page * PAGE_SIZE + result.items.length;
      for (const p of this.stale.keys()) if (p > page) this.stale.delete(p);
    } else if (page === this.cursors.length - 1) {
      this.cursors.push(result.nextCursor);
    }
    this.evict();
  }

  /** Drops the pages farthest from the wanted window until few enough are left. */
  private evict(): void {
    const distance = (p: number) =>
      p < this.wantedFirst ? this.wantedFirst - p : Math.max(0, p - this.wantedLast);
    while (this.pages.size > this.maxPages) {
      let farthest = -1;
      for (const p of this.pages.keys())
        if (farthest < 0 || distance(p) > distance(farthest)) farthest = p;
      if (distance(farthest) === 0) return;
      this.pages.delete(farthest);
    }
    for (const p of this.stale.keys()) if (distance(p) > this.maxPages) this.stale.delete(p);
  }
}
