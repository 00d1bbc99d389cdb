// The result set the grid and the viewer show: how many images match (for the scroll height and
// the count label) and the items, through the sparse page cache. Reactive: `version` changes
// whenever items arrive, so everything reading `itemAt` re-renders. Leaves out the query itself
// (Gallery decides it) and fetching on its own (the grid says which items it needs).

import type { ImageId } from "../bindings/ImageId";
import type { ImageQuery } from "../bindings/ImageQuery";
import type { ImageSummary } from "../bindings/ImageSummary";
import { countImages, queryImages } from "../host/library";
import { PAGE_SIZE, PageCache } from "./pages";

export type BaseQuery = Pick<ImageQuery, "filter" | "sort">;

export class Results {
  /** Bumped whenever cached items change. */
  version = $state(0);
  /** Matching images as counted by the backend; null until the first count of a query. */
  count: number | null = $state(null);
  /** Bumped on a new query (not on a refresh), so the grid goes back to the top. */
  epoch = $state(0);
  private readonly cache: PageCache;
  private countToken = 0;

  constructor(private readonly onerror: (error: unknown) => void) {
    this.cache = new PageCache({ key: (item) => item.id, onchange: () => this.version++, onerror });
  }

  /** Loads `query`. A refresh (`soft`) keeps showing the current items until new ones arrive. */
  reload(query: BaseQuery, soft: boolean): void {
    this.cache.reset((cursor) => queryImages({ ...query, limit: PAGE_SIZE, cursor }), soft);
    if (!soft) {
      this.count = null;
      this.epoch++;
      // A new query is shown from the top: its first page need not wait for the count.
      this.cache.want(0, PAGE_SIZE - 1);
    }
    this.version++;
    const token = ++this.countToken;
    countImages({ ...query, limit: PAGE_SIZE, cursor: null }).then(
      (n) => {
        if (token === this.countToken) this.count = n;
      },
      (error: unknown) => {
        if (token === this.countToken) this.onerror(error);
      },
    );
  }

  /** How many results there are: exact once the last page has been seen, else the count, else
   * (until the count arrives) the items loaded from the top, so the first page shows at once:
   * counting 100,000 images takes longer than fetching the first 200 (issue 18). */
  get total(): number {
    void this.version;
    return this.cache.end ?? this.count ?? this.cache.known;
  }

  /** Whether the total is known yet (false right after a new query). */
  get counted(): boolean {
    void this.version;
    return this.cache.end !== null || this.count !== null;
  }

  itemAt(index: number): ImageSummary | null {
    void this.version;
    return this.cache.itemAt(index);
  }

  /** Asks for the items `first..=last` to be loaded. */
  want(first: number, last: number): void {
    this.cache.want(first, last);
  }

  /** Ids of the items in memory (what Ctrl/⌘+A selects). */
  loadedIds(): ImageId[] {
    void this.version;
    return this.cache.loaded().map((item) => item.id);
  }

  /** The items in memory with these ids. */
  loadedItems(ids: ImageId[]): ImageSummary[] {
    return this.cache.loadedWith(ids);
  }

  idsBetween(from: number, to: number): ImageId[] {
    return this.cache.idsBetween(from, to);
  }

  /** Changes cached items at once, before the backend confirms (e.g. a favourite star). */
  patch(ids: ImageId[], change: Partial<ImageSummary>): void {
    this.cache.patch(ids, (item) => ({ ...item, ...change }));
  }
}
