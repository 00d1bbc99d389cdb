import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as host from "../host/library";
import { PAGE_SIZE } from "./pages";
import { answer } from "./fixtures";
import { allByTestId, byTestId, click, key, layOut, mountView, settle } from "./testing.svelte";

vi.mock("../host/library", async () => (await import("./fixtures")).hostModule());

const mocked = vi.mocked(host);
let close: () => void = () => {};

beforeEach(() => layOut(1200, 800));
afterEach(() => {
  close();
  close = () => {};
  document.body.innerHTML = "";
});

async function open(count: number, active = true) {
  const handlers = answer(host, count);
  const view = await mountView(active);
  close = view.close;
  return { ...view, handlers };
}

const cells = () => allByTestId("gallery-cell");
const cell = (id: number) =>
  document.querySelector<HTMLElement>(`[data-testid="gallery-cell"][data-id="${id}"]`)!;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("GalleryView grid", () => {
  it("shows the count and only a window of cells for 100,000 images", async () => {
    await open(100_000);
    expect(byTestId("gallery-count")?.textContent).toContain("100,000 images");
    expect(cells().length).toBeGreaterThan(0);
    expect(cells().length).toBeLessThan(200);
    expect(cells()[0].dataset).toMatchObject({ id: "1", favourite: "false" });
    expect(cells()[0].querySelector("img")?.getAttribute("src")).toBe("easel://localhost/thumb/1");
    expect(cells()[0].querySelector("img")?.getAttribute("loading")).toBe("lazy");
    expect(mocked.queryImages).toHaveBeenCalledTimes(1);
    const list = document.querySelector<HTMLElement>(".list")!;
    // 6 columns of 191 px + 6 px gaps fit 1200 - 24 px of padding: 16,667 rows of 197 px.
    expect(list.style.height).toBe(`${16_667 * 197 - 6}px`);
  });

  it("shows the first page before the count of 100,000 images arrives", async () => {
    answer(host, 100_000);
    let countNow: (n: number) => void = () => {};
    mocked.countImages.mockReturnValue(new Promise((resolve) => (countNow = resolve)));
    const view = await mountView(true);
    close = view.close;
    expect(cells().length).toBeGreaterThan(0);
    expect(cells()[0].dataset.id).toBe("1");
    const list = document.querySelector<HTMLElement>(".list")!;
    // Until the count, the list is as tall as the first page: 200 images in 6 columns, 34 rows.
    expect(list.style.height).toBe(`${34 * 197 - 6}px`);
    expect(byTestId("gallery-count")?.textContent).not.toMatch(/\d/);
    countNow(100_000);
    await settle();
    expect(list.style.height).toBe(`${16_667 * 197 - 6}px`);
    expect(byTestId("gallery-count")?.textContent).toContain("100,000 images");
  });

  it("jumps far down with placeholders first, then walks the pages in order", async () => {
    await open(100_000);
    const scroller = document.querySelector<HTMLElement>('[role="listbox"]')!;
    scroller.scrollTop = 2_000_000;
    scroller.dispatchEvent(new Event("scroll"));
    flushSync();
    expect(cells()).toHaveLength(0);
    expect(allByTestId("gallery-placeholder").length).toBeGreaterThan(0);
    expect(allByTestId("gallery-placeholder").length).toBeLessThan(200);
    // Row 10,152 is at the top; two rows of overscan above it: the first cell is index 60,900.
    await vi.waitFor(() => expect(cell(60_901)).toBeTruthy(), { timeout: 5000 });
    const cursors = mocked.queryImages.mock.calls.map(([q]) => q.cursor);
    expect(cursors.slice(0, 3)).toEqual([null, "k200", "k400"]);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(cells().length).toBeLessThan(200);
    expect(mocked.queryImages.mock.calls[0][0].limit).toBe(PAGE_SIZE);
  });

  it("searches after a pause, by relevance, and goes back to the previous order", async () => {
    await open(500);
    const search = byTestId("gallery-search") as HTMLInputElement;
    search.value = "cat";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    await wait(50);
    expect(mocked.queryImages).toHaveBeenCalledTimes(1);
    await wait(250);
    await settle();
    const last = () => mocked.queryImages.mock.lastCall![0];
    expect(last().filter.text).toBe("cat");
    expect(last().sort).toBe("relevance");
    expect((byTestId("gallery-sort") as HTMLSelectElement).value).toBe("relevance");
    search.value = "";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    await wait(250);
    await settle();
    expect(last().filter.text).toBeNull();
    expect(last().sort).toBe("newest");
  });

  it("filters by favourites and shows the trash", async () => {
    await open(500);
    click(byTestId("gallery-filter-favourites")!);
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter.favouritesOnly).toBe(true);
    expect(mocked.countImages.mock.lastCall![0].filter.favouritesOnly).toBe(true);
    expect(byTestId("gallery-trash")?.textContent).toContain("2");
    click(byTestId("gallery-trash")!);
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter.trashed).toBe(true);
  });

  it("refreshes when becoming visible and when the library changes, not while hidden", async () => {
    const { props, handlers } = await open(500, false);
    expect(mocked.queryImages).not.toHaveBeenCalled();
    props.active = true;
    await settle();
    expect(mocked.queryImages).toHaveBeenCalledTimes(1);
    mocked.countImages.mockResolvedValue(501);
    handlers.changed([501]);
    handlers.changed([502]);
    await wait(350);
    await settle();
    expect(mocked.queryImages).toHaveBeenCalledTimes(2);
    expect(byTestId("gallery-count")?.textContent).toContain("501 images");
  });

  it("shows one run's images when History asks, with a pressed filter that drops it", async () => {
    const { props } = await open(500);
    const search = byTestId("gallery-search") as HTMLInputElement;
    search.value = "cat";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    await wait(250);
    await settle();
    props.showRun = { runId: "run-7" };
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter).toMatchObject({ run: "run-7", text: null });
    expect(mocked.queryImages.mock.lastCall![0].sort).toBe("newest");
    expect(mocked.countImages.mock.lastCall![0].filter.run).toBe("run-7");
    expect(search.value).toBe("");
    click(byTestId("gallery-filter-run")!);
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter).not.toHaveProperty("run");
  });

  it("shows a sweep's grid as a stack that opens on its cells, with a filter that drops it", async () => {
    answer(host, 30);
    const plain = mocked.queryImages.getMockImplementation()!;
    mocked.queryImages.mockImplementation(async (q) => {
      const page = await plain(q);
      const items = page.items.map((item) =>
        item.id === 2 ? { ...item, sweepId: "sweep-1", sweepCells: 4 } : item,
      );
      return { ...page, items };
    });
    const view = await mountView(true);
    close = view.close;
    const stacks = allByTestId("gallery-stack");
    expect(stacks).toHaveLength(1);
    expect(stacks[0].dataset.cells).toBe("4");
    expect(stacks[0].textContent).toContain("4 cells");
    expect(stacks[0].closest('[data-testid="gallery-cell"]')?.getAttribute("data-id")).toBe("2");
    click(stacks[0]);
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter).toMatchObject({ sweep: "sweep-1" });
    expect(mocked.countImages.mock.lastCall![0].filter.sweep).toBe("sweep-1");
    click(byTestId("gallery-filter-sweep")!);
    await settle();
    expect(mocked.queryImages.mock.lastCall![0].filter).not.toHaveProperty("sweep");
  });

  it("loads a run asked for while hidden once, when it becomes visible", async () => {
    const { props } = await open(500);
    props.active = false;
    await settle();
    const before = mocked.queryImages.mock.calls.length;
    props.showRun = { runId: "run-3" };
    props.active = true;
    await settle();
    expect(mocked.queryImages.mock.calls.length).toBe(before + 1);
    expect(mocked.queryImages.mock.lastCall![0].filter.run).toBe("run-3");
  });

  it("says in plain words when the library cannot be read, without throwing", async () => {
    answer(host, 10);
    mocked.queryImages.mockRejectedValue({ code: "storage", message: "database is locked" });
    const view = await mountView();
    close = view.close;
    expect(byTestId("gallery-error")?.dataset.code).toBe("storage");
    expect(byTestId("gallery-error")?.textContent).toContain(
      "Easel could not read or write its files.",
    );
    expect(byTestId("gallery-error")?.textContent).toContain("database is locked");
    mocked.queryImages.mockResolvedValue({ items: [], nextCursor: null });
    click([...byTestId("gallery-error")!.querySelectorAll("button")][0]);
    await settle();
    expect(byTestId("gallery-error")).toBeNull();
    expect(byTestId("gallery-empty")?.textContent).toContain("No images yet");
  });
});

describe("GalleryView selection", () => {
  it("selects by click, Ctrl+click, Shift+click, Ctrl+A, and clears with Esc", async () => {
    await open(500);
    click(cell(3));
    expect(cell(3).getAttribute("aria-selected")).toBe("true");
    click(cell(5), { ctrlKey: true });
    expect(byTestId("gallery-actions")?.textContent).toContain("2 selected");
    click(cell(8), { shiftKey: true });
    // The anchor is the last Ctrl+click (index 4): 5..8.
    expect(byTestId("gallery-actions")?.textContent).toContain("4 selected");
    // Everything loaded: the first page of 200 (the rest has not been scrolled to).
    key("a", { ctrlKey: true });
    expect(byTestId("gallery-actions")?.textContent).toContain("200 selected");
    key("Escape");
    expect(byTestId("gallery-actions")).toBeNull();
  });

  it("moves with the arrow keys, extends with Shift, and opens with Enter", async () => {
    await open(500);
    key("ArrowRight");
    expect(cell(1).getAttribute("aria-selected")).toBe("true");
    key("ArrowDown");
    // Six columns: one row down from index 0 is index 6 (id 7).
    expect(cell(7).getAttribute("aria-selected")).toBe("true");
    key("ArrowRight", { shiftKey: true });
    expect(byTestId("gallery-actions")?.textContent).toContain("2 selected");
    key("Enter");
    await settle();
    expect(byTestId("viewer-image")?.getAttribute("src")).toBe("easel://localhost/image/8");
  });

  it("stars a cell at once and tells the backend", async () => {
    await open(500);
    click(cell(2).querySelector('[data-testid="gallery-favourite-toggle"]')!);
    expect(cell(2).dataset.favourite).toBe("true");
    expect(mocked.setFavourite).toHaveBeenCalledWith([2], true);
    // The star does not change the selection.
    expect(byTestId("gallery-actions")).toBeNull();
  });

  it("deletes to the trash with a toast whose Undo restores", async () => {
    await open(500);
    click(cell(1));
    click(cell(2), { ctrlKey: true });
    key("Delete");
    await settle();
    expect(mocked.trashImages).toHaveBeenCalledWith([1, 2]);
    expect(byTestId("toast")?.textContent).toContain("Moved 2 images to the trash.");
    expect(byTestId("gallery-actions")).toBeNull();
    click(byTestId("toast-undo")!);
    await settle();
    expect(mocked.restoreImages).toHaveBeenCalledWith([1, 2]);
    expect(byTestId("toast")?.textContent).toContain("Restored 2 images.");
  });

  it("compares exactly two images", async () => {
    await open(500);
    mocked.compareImages.mockResolvedValue({
      changes: [{ node: "3 KSampler", input: "seed", left: 1, right: 2 }],
      unchanged: 40,
    });
    click(cell(1));
    expect(byTestId("gallery-compare")).toBeNull();
    click(cell(2), { ctrlKey: true });
    click(byTestId("gallery-compare")!);
    await settle();
    expect(mocked.compareImages).toHaveBeenCalledWith(1, 2);
    expect(allByTestId("compare-row")).toHaveLength(1);
    expect(byTestId("compare")?.textContent).toContain("40 other parameters are the same.");
    key("Escape");
    expect(byTestId("compare")).toBeNull();
  });

  it("exports with or without metadata and says nothing when cancelled", async () => {
    await open(500);
    click(cell(4));
    const [withMeta, without] = [...byTestId("gallery-actions")!.querySelectorAll("button")].filter(
      (b) => b.textContent?.startsWith("Export"),
    );
    click(without);
    await settle();
    expect(mocked.exportImages).toHaveBeenCalledWith([4], false);
    expect(byTestId("toast")?.textContent).toContain("Exported 1 image.");
    mocked.exportImages.mockResolvedValue(null);
    byTestId("toast")!.querySelector<HTMLButtonElement>("button")!.click();
    flushSync();
    click(withMeta);
    await settle();
    expect(mocked.exportImages).toHaveBeenLastCalledWith([4], true);
    expect(byTestId("toast")).toBeNull();
  });
});
