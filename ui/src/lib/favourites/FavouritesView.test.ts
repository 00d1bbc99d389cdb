import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from "vitest";
import type { Favourite } from "../bindings/Favourite";
import type { JobEvent } from "../bindings/JobEvent";
import * as host from "../host/favourites";
import * as door from "../host";
import { setLocale } from "../i18n/index.svelte";
import type { StartRuns } from "../run/runs.svelte";
import FavouritesView from "./FavouritesView.svelte";
import { readiness } from "../testing/inspection";
import { FavouritesState, READINESS_BATCH, TOAST_MS } from "./state.svelte";
import { favourite, reactiveProps } from "./testing.svelte";

vi.mock("../host/favourites", () => ({
  listFavourites: vi.fn(),
  saveFavourite: vi.fn(),
  renameFavourite: vi.fn(),
  duplicateFavourite: vi.fn(),
  deleteFavourite: vi.fn(),
  restoreFavourite: vi.fn(),
  exportFavourites: vi.fn(),
  importFavourites: vi.fn(),
  runFavourite: vi.fn(),
}));
vi.mock("../host", () => ({ workflowReadiness: vi.fn() }));
vi.mock("../host/library", () => ({
  thumbUrl: (id: number) => `easel://localhost/thumb/${id}`,
}));

const mocked = vi.mocked(host);
const workflowReadiness = vi.mocked(door.workflowReadiness);
const portrait = favourite({
  id: "a",
  name: "Portrait",
  tags: ["people", "sdxl"],
  cover: 42,
  updatedAt: 3000,
});
const landscape = favourite({ id: "b", name: "Landscape", tags: ["nature"], updatedAt: 2000 });

let view: ReturnType<typeof mount> | null = null;
let props: {
  active: boolean;
  onopen: Mock<(favourite: Favourite) => void>;
  start: Mock<StartRuns>;
  onruns: Mock<(runIds: string[]) => void>;
};

beforeEach(() => {
  mocked.listFavourites.mockResolvedValue([portrait, landscape]);
  workflowReadiness.mockImplementation(async (docs) => docs.map(() => readiness()));
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  vi.useRealTimers();
  setLocale("en");
  document.body.innerHTML = "";
});

const channel = vi.fn<(event: JobEvent) => void>();

async function settle() {
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

async function open() {
  props = reactiveProps({
    active: true,
    onopen: vi.fn<(favourite: Favourite) => void>(),
    // The queue's start: hands the host call this batch's channel handler.
    start: vi.fn<StartRuns>((begin) => begin(channel)),
    onruns: vi.fn<(runIds: string[]) => void>(),
  });
  view = mount(FavouritesView, { target: document.body, props });
  await settle();
}

const $ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document) =>
  root.querySelector<T>(selector);
const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  $<T>(`[data-testid="${id}"]`, root);
const cards = () => [...document.querySelectorAll<HTMLElement>('[data-testid="favourite-card"]')];
const card = (id: string) => $(`[data-testid="favourite-card"][data-id="${id}"]`)!;
const click = async (el: HTMLElement | null) => {
  el!.click();
  await settle();
};

describe("FavouritesView", () => {
  it("lists favourites as cards with cover, name, tags, nodes and date", async () => {
    await open();
    expect(mocked.listFavourites).toHaveBeenCalledOnce();
    expect(cards().map((c) => c.dataset.name)).toEqual(["Portrait", "Landscape"]);
    const first = card("a");
    expect($<HTMLImageElement>("img", first)?.src).toBe("easel://localhost/thumb/42");
    expect(first.textContent).toContain("people");
    expect(first.textContent).toContain("sdxl");
    expect(first.textContent).toContain("2 nodes");
    expect(first.textContent).toContain("Updated");
    expect($("img", card("b"))).toBeNull();
    expect($('[role="img"]', card("b"))?.getAttribute("aria-label")).toBe("No cover image");
  });

  it("says when there are none, and is translated", async () => {
    mocked.listFavourites.mockResolvedValue([]);
    setLocale("zh-CN");
    await open();
    expect(byTestId("favourites")?.textContent).toContain("还没有收藏");
  });

  it("filters by name and tag as one types", async () => {
    await open();
    const search = byTestId<HTMLInputElement>("favourites-search")!;
    search.value = "nature";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(cards().map((c) => c.dataset.id)).toEqual(["b"]);
    search.value = "nothing";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(cards()).toHaveLength(0);
    expect(byTestId("favourites")?.textContent).toContain("No favourite matches “nothing”");
  });

  it("runs once in one click and hands over the run ids", async () => {
    mocked.runFavourite.mockResolvedValue(["run-7"]);
    await open();
    await click(byTestId("favourite-run", card("b")));
    expect(props.start).toHaveBeenCalledTimes(1);
    expect(mocked.runFavourite).toHaveBeenCalledWith("b", 1, channel, {});
    expect(props.onruns).toHaveBeenCalledWith(["run-7"]);
    expect(byTestId("toast")?.textContent).toContain("Started “Landscape”");
  });

  it("shows a failed run as an error", async () => {
    mocked.runFavourite.mockRejectedValue({ code: "auth", message: "The key was refused." });
    await open();
    await click(byTestId("favourite-run", card("a")));
    expect(props.onruns).not.toHaveBeenCalled();
    expect(byTestId("favourites-error")?.textContent).toContain("The key was refused.");
  });

  it("opens a favourite in the editor", async () => {
    await open();
    await click(byTestId("favourite-open", card("a")));
    expect(props.onopen).toHaveBeenCalledWith(expect.objectContaining({ id: "a" }));
  });

  it("renames inline on Enter, and Esc cancels", async () => {
    mocked.renameFavourite.mockResolvedValue({ ...landscape, name: "Hills", updatedAt: 9000 });
    await open();
    await click(byTestId("favourite-rename", card("b")));
    let input = byTestId<HTMLInputElement>("favourite-rename-input")!;
    expect(document.activeElement).toBe(input);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    flushSync();
    expect(byTestId("favourite-rename-input")).toBeNull();

    await click(byTestId("favourite-rename", card("b")));
    input = byTestId<HTMLInputElement>("favourite-rename-input")!;
    input.value = "  Hills ";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(mocked.renameFavourite).toHaveBeenCalledOnce();
    expect(mocked.renameFavourite).toHaveBeenCalledWith("b", "Hills");
    expect(cards().map((c) => c.dataset.name)).toEqual(["Hills", "Portrait"]);
  });

  it("duplicates with the translated suffix", async () => {
    const copy = favourite({ id: "c", name: "Portrait (copy)", updatedAt: 5000 });
    mocked.duplicateFavourite.mockResolvedValue(copy);
    await open();
    await click(byTestId("favourite-duplicate", card("a")));
    expect(mocked.duplicateFavourite).toHaveBeenCalledWith("a", "(copy)");
    expect(cards().map((c) => c.dataset.id)).toEqual(["c", "a", "b"]);
  });

  it("deletes with Undo in a toast", async () => {
    mocked.deleteFavourite.mockResolvedValue(portrait);
    mocked.restoreFavourite.mockResolvedValue(portrait);
    await open();
    await click(byTestId("favourite-delete", card("a")));
    expect(mocked.deleteFavourite).toHaveBeenCalledWith("a");
    expect(cards().map((c) => c.dataset.id)).toEqual(["b"]);
    expect(byTestId("toast")?.textContent).toContain("Deleted “Portrait”");
    await click(byTestId("toast-undo"));
    expect(mocked.restoreFavourite).toHaveBeenCalledWith(portrait);
    expect(cards().map((c) => c.dataset.id)).toEqual(["a", "b"]);
    expect(byTestId("toast")).toBeNull();
  });

  it("undoes the delete with Ctrl+Z too", async () => {
    mocked.deleteFavourite.mockResolvedValue(landscape);
    mocked.restoreFavourite.mockResolvedValue(landscape);
    await open();
    await click(byTestId("favourite-delete", card("b")));
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "z", ctrlKey: true }));
    await settle();
    expect(mocked.restoreFavourite).toHaveBeenCalledWith(landscape);
  });

  it("lets the toast go after a while", async () => {
    mocked.deleteFavourite.mockResolvedValue(portrait);
    await open();
    vi.useFakeTimers();
    await click(byTestId("favourite-delete", card("a")));
    expect(byTestId("toast-undo")).not.toBeNull();
    vi.advanceTimersByTime(TOAST_MS);
    flushSync();
    expect(byTestId("toast")).toBeNull();
  });

  it("exports one or all, and imports", async () => {
    mocked.exportFavourites.mockResolvedValueOnce("/tmp/one.json").mockResolvedValueOnce(null);
    const imported = favourite({ id: "n", name: "Imported", updatedAt: 7000 });
    mocked.importFavourites.mockResolvedValue([imported]);
    await open();
    await click(byTestId("favourite-export", card("a")));
    expect(mocked.exportFavourites).toHaveBeenCalledWith(["a"]);
    expect(byTestId("toast")?.textContent).toContain("/tmp/one.json");
    await click(byTestId("favourites-export-all"));
    expect(mocked.exportFavourites).toHaveBeenLastCalledWith([]);
    await click(byTestId("favourites-import"));
    expect(cards().map((c) => c.dataset.id)).toEqual(["n", "a", "b"]);
    expect(byTestId("toast")?.textContent).toContain("Imported 1 favourite.");
  });

  it("fetches the list again each time it becomes active", async () => {
    await open();
    props.active = false;
    await settle();
    expect(mocked.listFavourites).toHaveBeenCalledOnce();
    mocked.listFavourites.mockResolvedValue([landscape]);
    props.active = true;
    await settle();
    expect(mocked.listFavourites).toHaveBeenCalledTimes(2);
    expect(cards().map((c) => c.dataset.id)).toEqual(["b"]);
  });
});

describe("FavouritesView readiness", () => {
  const status = (id: string) => byTestId("favourite-model-status", card(id));
  const runOf = (id: string) => byTestId<HTMLButtonElement>("favourite-run", card(id))!;

  it("checks every favourite in one call and badges each card", async () => {
    workflowReadiness.mockResolvedValue([readiness(), readiness({ ready: false, unmapped: 1 })]);
    await open();
    expect(workflowReadiness).toHaveBeenCalledTimes(1);
    expect(workflowReadiness).toHaveBeenCalledWith([portrait.doc, landscape.doc]);
    expect(status("a")?.dataset.state).toBe("ready");
    expect(status("a")?.textContent?.trim()).toBe("Runs as is");
    expect(runOf("a").disabled).toBe(false);
    expect(status("b")?.dataset.state).toBe("unmapped");
    expect(status("b")?.textContent?.trim()).toBe("1 model to map");
    const run = runOf("b");
    expect(run.disabled).toBe(true);
    expect(run.title).toBe(
      "Map 1 model file to a Tensor.Art model first. Open it in Generate to map its models.",
    );
    expect(run.getAttribute("aria-describedby")).toBe(status("b")!.id);
    await click(run);
    expect(mocked.runFavourite).not.toHaveBeenCalled();
    expect(props.start).not.toHaveBeenCalled();
  });

  it("disables Run for other errors too, and asks again when the list changes", async () => {
    workflowReadiness.mockResolvedValue([readiness({ ready: false, errors: 2 }), readiness()]);
    mocked.duplicateFavourite.mockResolvedValue(
      favourite({ id: "c", name: "Portrait (copy)", updatedAt: 5000 }),
    );
    await open();
    expect(status("a")?.dataset.state).toBe("blocked");
    expect(runOf("a").disabled).toBe(true);
    workflowReadiness.mockImplementation(async (docs) => docs.map(() => readiness()));
    await click(byTestId("favourite-duplicate", card("a")));
    expect(workflowReadiness).toHaveBeenCalledTimes(2);
    expect(workflowReadiness.mock.lastCall![0]).toHaveLength(3);
    expect(status("a")?.dataset.state).toBe("ready");
    expect(status("c")?.dataset.state).toBe("ready");
    expect(runOf("a").disabled).toBe(false);
  });

  it("shows no badge and holds no Run back when the check fails", async () => {
    workflowReadiness.mockRejectedValue({ code: "storage", message: "locked" });
    mocked.runFavourite.mockResolvedValue(["run-1"]);
    await open();
    expect(status("a")).toBeNull();
    expect(runOf("a").disabled).toBe(false);
    await click(runOf("a"));
    expect(mocked.runFavourite).toHaveBeenCalledTimes(1);
  });

  it("splits a list past the backend's limit into as few calls as it takes", async () => {
    const many = Array.from({ length: READINESS_BATCH + 1 }, (_, n) =>
      favourite({ id: `f${n}`, updatedAt: n }),
    );
    mocked.listFavourites.mockResolvedValue(many);
    const state = new FavouritesState();
    await state.refresh();
    await vi.waitFor(() => expect(Object.keys(state.readiness)).toHaveLength(many.length));
    expect(workflowReadiness.mock.calls.map(([docs]) => docs.length)).toEqual([READINESS_BATCH, 1]);
    expect(state.readinessOf(many[READINESS_BATCH])?.ready).toBe(true);
  });
});
