// The queue panel over a real queue store with the host door mocked: choosing rows by mouse and
// keyboard, the bulk and queue-wide buttons, and the pause state.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import * as host from "../host";
import * as queueHost from "../host/queue";
import { stubFrames, type Frames } from "../testing/frames";
import { historyRun } from "../testing/historyRun";
import QueuePanel from "./QueuePanel.svelte";
import { RunQueue } from "./runs.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());
vi.mock("../host/queue", async () => (await import("../testing/hostMock")).queueMock());

const mocked = vi.mocked(host);
const mockedQueue = vi.mocked(queueHost);
let frames: Frames;
let view: ReturnType<typeof mount> | null = null;
let runs: RunQueue;

beforeEach(() => {
  frames = stubFrames();
  runs = new RunQueue({ focused: () => true });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  runs.dispose();
  document.body.innerHTML = "";
  vi.unstubAllGlobals();
});

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const rows = () => [...document.querySelectorAll<HTMLElement>("[data-testid=queue-item]")];
const row = (id: string) => rows().find((r) => r.dataset.runId === id)!;
const chosen = () => rows().filter((r) => r.getAttribute("aria-selected") === "true");
const chosenIds = () => chosen().map((r) => r.dataset.runId);

async function settle() {
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

function click(el: HTMLElement, mods: MouseEventInit = {}) {
  el.dispatchEvent(new MouseEvent("click", { bubbles: true, ...mods }));
  flushSync();
}

function key(el: HTMLElement, k: string, mods: KeyboardEventInit = {}) {
  el.dispatchEvent(
    new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...mods }),
  );
  flushSync();
}

/** Runs a..e in one batch: a on the service, b finished, the rest pending. Shown newest first. */
function open() {
  const start = runs.begin(["4"]);
  runs.accept(start.batch, ["a", "b", "c", "d", "e"]);
  const send = (id: string, change: JobChange) => start.onEvent({ runId: id, change });
  send("a", { kind: "submitted", jobId: "ja" });
  send("b", { kind: "succeeded", credits: 1, images: 1 });
  frames.next();
  view = mount(QueuePanel, { target: document.body, props: { runs, focusedId: null } });
  flushSync();
}

describe("choosing rows", () => {
  it("is a multi-select grid, newest first", () => {
    open();
    const grid = document.querySelector("[role=grid]")!;
    expect(grid.getAttribute("aria-multiselectable")).toBe("true");
    expect(rows().map((r) => r.dataset.runId)).toEqual(["e", "d", "c", "b", "a"]);
    expect(byTestId("queue-select-count")).toBeNull();
  });

  it("takes clicks, shift-click ranges and ctrl/cmd-click toggles", () => {
    open();
    click(row("d"));
    expect(chosenIds()).toEqual(["d"]);
    click(row("b"), { shiftKey: true });
    expect(chosenIds()).toEqual(["d", "c", "b"]);
    expect(byTestId("queue-select-count")?.textContent?.trim()).toBe("3 selected");
    click(row("c"), { ctrlKey: true });
    click(row("a"), { metaKey: true });
    expect(chosenIds()).toEqual(["d", "b", "a"]);
    // A press on a row's own button is not a choice of rows.
    click(row("e").querySelector<HTMLElement>("[data-testid=queue-cancel]")!);
    expect(chosenIds()).toEqual(["d", "b", "a"]);
    expect(mocked.cancelRun).toHaveBeenCalledWith("e");
  });

  it("takes space and shift+arrows on the focused row, and moves the focus with it", async () => {
    open();
    expect(row("e").tabIndex).toBe(0);
    expect(row("d").tabIndex).toBe(-1);
    row("e").focus();
    key(row("e"), " ");
    expect(chosenIds()).toEqual(["e"]);
    key(row("e"), "ArrowDown", { shiftKey: true });
    await settle();
    expect(document.activeElement).toBe(row("d"));
    key(row("d"), "ArrowDown", { shiftKey: true });
    await settle();
    expect(chosenIds()).toEqual(["e", "d", "c"]);
    expect(row("c").tabIndex).toBe(0);
    key(row("c"), "Escape");
    expect(chosenIds()).toEqual([]);
  });
});

describe("bulk actions", () => {
  it("act on the chosen runs that can take them, with their ids", async () => {
    open();
    click(row("e"));
    click(row("a"), { shiftKey: true });
    byTestId("queue-bulk-cancel")!.click();
    await settle();
    // Every chosen run under way, in queue order; b has finished.
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["c"], ["d"], ["e"]]);

    click(row("e"));
    click(row("c"), { ctrlKey: true });
    byTestId("queue-bulk-front")!.click();
    await settle();
    expect(mocked.reorderRuns).toHaveBeenLastCalledWith(["c", "e"]);
    byTestId("queue-bulk-back")!.click();
    await settle();
    expect(mockedQueue.sendRunsBack).toHaveBeenLastCalledWith(["c", "e"]);
    expect(byTestId<HTMLButtonElement>("queue-bulk-retry")!.disabled).toBe(true);

    mocked.retryRun.mockResolvedValueOnce("b2");
    click(row("b"));
    expect(byTestId<HTMLButtonElement>("queue-bulk-cancel")!.disabled).toBe(true);
    expect(byTestId<HTMLButtonElement>("queue-bulk-front")!.disabled).toBe(true);
    byTestId("queue-bulk-retry")!.click();
    await settle();
    expect(mocked.retryRun).toHaveBeenCalledTimes(1);
    expect(mocked.retryRun.mock.calls[0][0]).toBe("b");
  });
});

describe("the whole queue", () => {
  it("cancels all or all but running, and clears the finished rows and their choice", async () => {
    open();
    byTestId("queue-cancel-all")!.click();
    byTestId("queue-cancel-pending")!.click();
    await settle();
    expect(mockedQueue.cancelQueue.mock.calls).toEqual([[true], [false]]);
    click(row("b"));
    byTestId("queue-clear-finished")!.click();
    flushSync();
    expect(rows().map((r) => r.dataset.runId)).toEqual(["e", "d", "c", "a"]);
    expect(byTestId("queue-select-count")).toBeNull();
    expect(byTestId<HTMLButtonElement>("queue-clear-finished")!.disabled).toBe(true);
  });

  it("offers Run next when the document can run, and puts its runs at the front", async () => {
    // Reactive, as the session's `canRun` is.
    const generate = $state({ canRun: false });
    runs.dispose();
    runs = new RunQueue({
      focused: () => true,
      canRunDocument: () => generate.canRun,
      runDocument: async () => {
        const start = runs.begin(["4"], true);
        runs.accept(start.batch, ["n1"]);
        return ["n1"];
      },
    });
    open();
    expect(byTestId<HTMLButtonElement>("queue-run-next")!.disabled).toBe(true);
    generate.canRun = true;
    flushSync();
    byTestId("queue-run-next")!.click();
    await settle();
    expect(mocked.reorderRuns).toHaveBeenCalledWith(["n1"]);
    // Next to run: just above the finished run and the one on the service.
    expect(rows().map((r) => r.dataset.runId)).toEqual(["e", "d", "c", "n1", "b", "a"]);
  });

  it("pauses and resumes, saying what a pause means, from launch on", async () => {
    mockedQueue.queueState.mockResolvedValueOnce({ paused: true, runs: [historyRun("left")] });
    await runs.restore(Promise.resolve());
    view = mount(QueuePanel, { target: document.body, props: { runs, focusedId: null } });
    flushSync();
    const pause = byTestId("queue-pause")!;
    expect(pause.textContent).toBe("Resume");
    expect(byTestId("queue-paused")?.textContent).toBe(
      "Paused — nothing new is sent; running jobs continue",
    );
    expect(row("left").textContent).toContain("reference");
    expect(row("left").textContent).toContain("Held");
    pause.click();
    await settle();
    expect(mockedQueue.pauseQueue).toHaveBeenLastCalledWith(false);
    expect(pause.textContent).toBe("Pause");
    expect(byTestId("queue-paused")).toBeNull();
    expect(row("left").textContent).toContain("Pending");
  });
});
