// The runs the History list shows: how many match (for the scroll height and "12,345 runs") and
// the rows, through the gallery's sparse keyset page cache, so the list fetches only the pages
// it scrolls to and the 100,000th run costs what the first does. Reactive: `version` changes
// whenever rows arrive. Leaves out the filter itself (History decides it) and fetching on its own
// (the list says which rows it needs).

import {
  historyCount,
  historyPage,
  type PastRun,
  type RunCursor,
  type RunFilter,
} from "../host/history";
import { PAGE_SIZE, PageCache } from "../gallery/pages";

/** A row of the list: a run, a row the journal could not read, or one still loading. */
export type Row = { kind: "run"; run: PastRun } | { kind: "unreadable" } | { kind: "loading" };

export class RunResults {
  /** Bumped whenever cached rows change. */
  version = $state(0);
  /** Matching runs as counted by the backend; null until the first count of a filter. */
  count: number | null = $state(null);
  /** Bumped on a new filter (not on a refresh), so the list goes back to the top. */
  epoch = $state(0);
  /** Rows left out so far because the journal could not read them (reported by each page). */
  skipped = $state(0);
  private readonly cache: PageCache<PastRun, RunCursor, string>;
  private countToken = 0;

  constructor(private readonly onerror: (error: unknown) => void) {
    this.cache = new PageCache({
      key: (run) => run.runId,
      onchange: () => this.version++,
      onerror,
    });
  }

  /** Loads the runs matching `filter`. A refresh (`soft`) keeps the rows shown until new ones
   * arrive, and the scroll position. */
  reload(filter: RunFilter, soft: boolean): void {
    // Per page (by its cursor): a page fetched again after eviction is not counted twice.
    const skipped: Record<string, number> = {};
    this.skipped = 0;
    this.cache.reset(async (after) => {
      const page = await historyPage(filter, after, PAGE_SIZE);
      skipped[JSON.stringify(after)] = page.skipped;
      this.skipped = Object.values(skipped).reduce((a, b) => a + b, 0);
      return { items: page.runs, nextCursor: page.next };
    }, soft);
    if (!soft) {
      this.count = null;
      this.epoch++;
      // A new filter is shown from the top: its first page need not wait for the count.
      this.cache.want(0, PAGE_SIZE - 1);
    }
    this.version++;
    const token = ++this.countToken;
    historyCount(filter).then(
      (n) => {
        if (token === this.countToken) this.count = n;
      },
      (error: unknown) => {
        if (token === this.countToken) this.onerror(error);
      },
    );
  }

  /** How many rows there are: exact once the last page has been seen, else the count. */
  get total(): number {
    void this.version;
    return this.cache.end ?? this.count ?? 0;
  }

  /** Whether the total is known yet (false right after a new filter). */
  get counted(): boolean {
    void this.version;
    return this.cache.end !== null || this.count !== null;
  }

  /** What row `index` shows. */
  rowAt(index: number): Row {
    void this.version;
    const run = this.cache.itemAt(index);
    if (run) return { kind: "run", run };
    return this.cache.hasPage(index) ? { kind: "unreadable" } : { kind: "loading" };
  }

  /** Asks for the rows `first..=last` to be loaded. */
  want(first: number, last: number): void {
    this.cache.want(first, last);
  }

  /** The loaded run with this id, if any (a run the detail panel shows may be scrolled away). */
  find(runId: string): PastRun | null {
    void this.version;
    return this.cache.loadedWith([runId])[0] ?? null;
  }
}
