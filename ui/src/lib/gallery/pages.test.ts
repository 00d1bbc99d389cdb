import { describe, expect, it, vi } from "vitest";
import type { Page } from "../bindings/Page";
import { PAGE_SIZE, PageCache, type Loader } from "./pages";
import { fakeLibrary } from "./fixtures";

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function cache(count: number, options: { maxPages?: number; maxInFlight?: number } = {}) {
  const library = fakeLibrary(count);
  const load = vi.fn<Loader>((cursor) => library({ cursor, limit: PAGE_SIZE }));
  const onchange = vi.fn();
  const onerror = vi.fn();
  const c = new PageCache({ key: (item) => item.id, onchange, onerror, ...options });
  c.reset(load, false);
  return { c, load, onchange, onerror };
}

describe("PageCache", () => {
  it("fetches the wanted page and knows the end from the last page", async () => {
    const { c, load, onchange } = cache(150);
    c.want(0, 59);
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(null);
    expect(c.itemAt(0)?.id).toBe(1);
    expect(c.itemAt(149)?.id).toBe(150);
    expect(c.itemAt(150)).toBeNull();
    expect(c.end).toBe(150);
    expect(onchange).toHaveBeenCalled();
  });

  it("knows how many results run from the top without a gap, before any count", async () => {
    const { c } = cache(100_000);
    expect(c.known).toBe(0);
    c.want(0, 10);
    await flush();
    expect(c.known).toBe(PAGE_SIZE);
    // A page far down does not extend what is known from the top.
    c.want(PAGE_SIZE * 2, PAGE_SIZE * 2 + 10);
    for (let i = 0; i < 5; i++) await flush();
    expect(c.itemAt(PAGE_SIZE * 2)).not.toBeNull();
    expect(c.known).toBe(PAGE_SIZE * 3);
    const small = cache(150).c;
    small.want(0, 10);
    await flush();
    expect(small.known).toBe(150);
  });

  it("walks the cursor chain in order to reach a page far down", async () => {
    const { c, load } = cache(100_000);
    c.want(50_000, 50_100);
    await flush();
    await flush();
    await flush();
    const cursors = load.mock.calls.map(([cursor]) => cursor);
    expect(cursors.slice(0, 3)).toEqual([null, "k200", "k400"]);
    for (let i = 0; i < 40; i++) await flush();
    expect(c.itemAt(50_000)?.id).toBe(50_001);
    expect(c.itemAt(50_100)?.id).toBe(50_101);
    // Every request used the previous page's cursor: no page was skipped or fetched twice.
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it("evicts pages far from the window but keeps their cursors", async () => {
    const { c, load } = cache(10_000, { maxPages: 4 });
    c.want(0, 9_999);
    for (let i = 0; i < 60; i++) await flush();
    expect(c.end).toBe(10_000);
    // The whole window stays in memory, however large.
    expect(c.loaded()).toHaveLength(10_000);

    c.want(9_999, 9_999);
    expect(c.loaded()).toHaveLength(4 * PAGE_SIZE);
    expect(c.itemAt(0)).toBeNull();
    load.mockClear();
    c.want(2_000, 2_199);
    await flush();
    expect(load.mock.calls).toEqual([["k2000"]]);
    expect(c.itemAt(2_000)?.id).toBe(2_001);
  });

  it("fetches pages with known cursors directly, two at a time at most", async () => {
    const { c, load } = cache(2_000, { maxPages: 2, maxInFlight: 2 });
    c.want(0, 1_999);
    for (let i = 0; i < 20; i++) await flush();
    expect(load).toHaveBeenCalledTimes(10);
    c.want(0, 0); // evicts all but two pages
    await flush();
    load.mockClear();
    let inFlight = 0;
    let most = 0;
    const library = fakeLibrary(2_000);
    load.mockImplementation(async (cursor) => {
      most = Math.max(most, ++inFlight);
      await Promise.resolve();
      inFlight--;
      return library({ cursor, limit: PAGE_SIZE });
    });
    c.want(1_000, 1_999);
    for (let i = 0; i < 20; i++) await flush();
    expect(load.mock.calls.map(([cursor]) => cursor)).toEqual([
      "k1000",
      "k1200",
      "k1400",
      "k1600",
      "k1800",
    ]);
    expect(most).toBe(2);
    expect(c.itemAt(1_999)?.id).toBe(2_000);
  });

  it("keeps stale items on a soft reset until the new page arrives, and drops them on a hard one", async () => {
    const { c, load } = cache(500);
    c.want(0, 10);
    await flush();
    let release: () => void = () => {};
    load.mockImplementation(
      () =>
        new Promise<Page>((resolve) => {
          release = () => resolve({ items: [], nextCursor: null });
        }),
    );
    c.reset(load, true);
    expect(c.itemAt(0)?.id).toBe(1);
    release();
    await flush();
    expect(c.itemAt(0)).toBeNull();
    expect(c.end).toBe(0);

    const small = fakeLibrary(5);
    c.reset((cursor) => small({ cursor, limit: PAGE_SIZE }), false);
    expect(c.itemAt(0)).toBeNull();
  });

  it("ignores answers of an older query", async () => {
    const { c, load } = cache(500);
    let release: (page: Page) => void = () => {};
    load.mockImplementation(() => new Promise<Page>((resolve) => (release = resolve)));
    c.reset(load, false);
    c.want(0, 10);
    const old = release;
    c.reset(async () => ({ items: [], nextCursor: null }), false);
    old({
      items: [{ ...(await fakeLibrary(1)({ cursor: null, limit: 1 })).items[0] }],
      nextCursor: null,
    });
    await flush();
    expect(c.itemAt(0)).toBeNull();
    expect(c.end).toBe(0);
  });

  it("stops after a failure until reset", async () => {
    const { c, load, onerror } = cache(500);
    load.mockRejectedValueOnce({ code: "storage", message: "locked" });
    c.want(0, 10);
    await flush();
    expect(onerror).toHaveBeenCalledWith({ code: "storage", message: "locked" });
    c.want(0, 20);
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    c.reset(load, true);
    await flush();
    expect(c.itemAt(0)?.id).toBe(1);
  });

  it("patches items in place and lists ids between two indices", async () => {
    const { c } = cache(10);
    c.want(0, 9);
    await flush();
    c.patch([2, 3], (i) => ({ ...i, favourite: true }));
    expect(c.itemAt(1)?.favourite).toBe(true);
    expect(c.itemAt(0)?.favourite).toBe(false);
    expect(c.idsBetween(4, 2)).toEqual([3, 4, 5]);
    expect(c.loadedWith([3, 99]).map((i) => i.favourite)).toEqual([true]);
  });
});
