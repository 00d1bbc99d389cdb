import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as door from "../host/history";
import { allByTestId, byTestId, click, layOut, settle } from "../gallery/testing.svelte";
import { answer, pastRun, recorded } from "./fixtures";
import { mountHistory } from "./testing.svelte";

vi.mock("../host/history", async () => (await import("./fixtures")).hostModule());

const mocked = vi.mocked(door);
let close: () => void = () => {};

beforeEach(() => layOut(1200, 800));
afterEach(() => {
  close();
  close = () => {};
  document.body.innerHTML = "";
  vi.useRealTimers();
});

async function open(count: number) {
  answer(door, count);
  const view = await mountHistory();
  close = view.close;
  return view;
}

const rows = () => allByTestId("history-row");
const row = (runId: string) =>
  document.querySelector<HTMLElement>(`[data-testid="history-row"][data-run-id="${runId}"]`)!;
const lastFilter = () => mocked.historyPage.mock.lastCall![0];

function scrollList(top: number) {
  const list = byTestId("history-list")!;
  list.scrollTop = top;
  list.dispatchEvent(new Event("scroll"));
  flushSync();
}

describe("HistoryView list", () => {
  it("shows the count and renders only a window of rows for 100,000 runs", async () => {
    await open(100_000);
    expect(byTestId("history-view")).not.toBeNull();
    expect(byTestId("history-count")?.textContent).toContain("100,000 runs");
    // 800 px of 60 px rows: 14 visible, plus 4 of overscan below.
    expect(rows().length).toBe(18);
    expect(mocked.historyPage).toHaveBeenCalledTimes(1);
    expect(mocked.historyPage.mock.calls[0].slice(1)).toEqual([null, 200]);
    const list = byTestId("history-list")!.firstElementChild as HTMLElement;
    expect(list.style.height).toBe(`${100_000 * 60}px`);
  });

  it("asks for the next page with the cursor of the last run once scrolled to it", async () => {
    await open(100_000);
    scrollList(195 * 60);
    await settle();
    expect(mocked.historyPage).toHaveBeenCalledTimes(2);
    const [, cursor, limit] = mocked.historyPage.mock.calls[1];
    const last = pastRun(199);
    expect(cursor).toEqual({ createdAt: last.createdAt, runId: last.runId });
    expect(limit).toBe(200);
    expect(row("run-000205")).toBeTruthy();
    expect(rows().length).toBeLessThan(30);
  });

  it("shows a run's status, name, times, durations, credits, thumbnails and error", async () => {
    await open(10);
    const ok = row("run-000000");
    expect(ok.dataset.status).toBe("succeeded");
    expect(ok.textContent).toContain("Succeeded");
    expect(ok.textContent).toContain("reference");
    expect(ok.textContent).toContain("Tensor.Art");
    expect(ok.textContent).toContain("waited 0:05");
    expect(ok.textContent).toContain("ran 0:42");
    expect(ok.textContent).toContain("est. 2.4");
    expect(ok.textContent).toContain("cost 2.4");
    const thumbs = [...ok.querySelectorAll("img")].map((img) => img.getAttribute("src"));
    // The second image is not in the gallery (no id): a grey box instead of a broken picture.
    expect(thumbs).toEqual(["easel://localhost/thumb/1"]);
    const failed = row("run-000002");
    expect(failed.textContent).toContain("Failed");
    expect(failed.querySelector('[data-testid="history-row-error"]')?.textContent).toContain(
      "jobFailed",
    );
    expect(failed.textContent).toContain("the sampler ran out of memory");
    expect(failed.textContent).toContain("cost —");
  });
});

describe("HistoryView filters", () => {
  it("maps statuses, workflow, backend and days onto the filter and recounts", async () => {
    await open(50);
    const statuses = byTestId("history-filter-status")!;
    click(statuses.querySelector('[data-status="failed"]')!);
    click(statuses.querySelector('[data-status="queued"]')!);
    await settle();
    expect(lastFilter().statuses).toEqual(["queued", "failed"]);
    expect(mocked.historyCount.mock.lastCall![0].statuses).toEqual(["queued", "failed"]);
    const choose = (id: string, value: string) => {
      const el = byTestId(id) as HTMLSelectElement | HTMLInputElement;
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
      flushSync();
    };
    choose("history-filter-workflow", "portrait");
    choose("history-filter-backend", "Tensor.Art");
    choose("history-filter-from", "2026-03-01");
    choose("history-filter-until", "2026-03-01");
    await settle();
    expect(lastFilter()).toEqual({
      statuses: ["queued", "failed"],
      workflow: "portrait",
      backend: "Tensor.Art",
      since: new Date(2026, 2, 1).getTime() / 1000,
      until: new Date(2026, 2, 2).getTime() / 1000,
      text: null,
    });
    click(byTestId("history-filter-clear")!);
    await settle();
    expect(lastFilter()).toEqual({
      statuses: [],
      workflow: null,
      backend: null,
      since: null,
      until: null,
      text: null,
    });
  });

  it("searches after a pause in typing, not on every key", async () => {
    await open(50);
    vi.useFakeTimers();
    const search = byTestId("history-search") as HTMLInputElement;
    for (const text of ["c", "ca", "cat  "]) {
      search.value = text;
      search.dispatchEvent(new Event("input", { bubbles: true }));
    }
    vi.advanceTimersByTime(100);
    expect(mocked.historyPage).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(200);
    vi.useRealTimers();
    await settle();
    expect(mocked.historyPage).toHaveBeenCalledTimes(2);
    expect(lastFilter().text).toBe("cat");
    expect(mocked.historyCount.mock.lastCall![0].text).toBe("cat");
  });

  it("offers the workflows and backends the ledger knows", async () => {
    await open(5);
    const options = (id: string) =>
      [...(byTestId(id) as HTMLSelectElement).options].map((o) => o.value);
    expect(options("history-filter-workflow")).toEqual(["", "portrait", "reference"]);
    expect(options("history-filter-backend")).toEqual(["", "Tensor.Art"]);
  });
});

describe("HistoryView detail", () => {
  async function select(runId: string, count = 10) {
    const view = await open(count);
    click(row(runId));
    await settle();
    return view;
  }

  it("shows the exact document sent and its uploads", async () => {
    await select("run-000001");
    expect(mocked.historyRun).toHaveBeenCalledWith("run-000001");
    const detail = byTestId("history-detail")!;
    expect(detail.textContent).toContain("run-000001");
    expect(byTestId("history-document")?.textContent).toBe(
      JSON.stringify({ "3": { class_type: "KSampler", inputs: { seed: 42 } } }, null, 2),
    );
    expect(byTestId("history-uploads")?.textContent).toContain("/pics/cat.png");
    expect(byTestId("history-uploads")?.textContent).toContain("res-9");
    expect(row("run-000001").getAttribute("aria-selected")).toBe("true");
  });

  it("recalls the run into Generate", async () => {
    const { props } = await select("run-000001");
    click(byTestId("history-recall")!);
    await settle();
    expect(mocked.historyRecall).toHaveBeenCalledWith("run-000001");
    expect(props.onrecall).toHaveBeenCalledWith(
      expect.objectContaining({ doc: { name: "reference", nodes: [] } }),
    );
  });

  it("runs it again through the queue's channel", async () => {
    const { props, channel } = await select("run-000002");
    click(byTestId("history-run-again")!);
    await settle();
    expect(props.start).toHaveBeenCalledTimes(1);
    expect(mocked.retryRun).toHaveBeenCalledWith("run-000002", channel, {});
    expect(byTestId("toast")?.textContent).toContain("Started again");
  });

  it("shows its images in the gallery", async () => {
    const { props } = await select("run-000001");
    click(byTestId("history-show-gallery")!);
    expect(props.onshowimages).toHaveBeenCalledWith("run-000001");
  });

  it("deletes the record after saying the images stay", async () => {
    await select("run-000001");
    click(byTestId("history-delete")!);
    expect(mocked.historyForget).not.toHaveBeenCalled();
    expect(document.body.textContent).toContain(
      "Delete this run's record? Its 2 images stay in the gallery and on disk.",
    );
    const pages = mocked.historyPage.mock.calls.length;
    click(byTestId("history-delete-yes")!);
    await settle();
    expect(mocked.historyForget).toHaveBeenCalledWith("run-000001");
    expect(byTestId("history-detail")).toBeNull();
    expect(byTestId("toast")?.textContent).toContain("Its images stay in the gallery.");
    // The list is read again without the record.
    expect(mocked.historyPage.mock.calls.length).toBeGreaterThan(pages);
  });

  it("holds back Run again and Delete for a run still queued, Recall for a template", async () => {
    answer(door, 0);
    mocked.historyPage.mockResolvedValue({
      runs: [pastRun(0, { status: "queued", startedAt: null, endedAt: null })],
      next: null,
      skipped: 0,
    });
    mocked.historyCount.mockResolvedValue(1);
    mocked.historyRun.mockImplementation(async (runId) => recorded(runId, { kind: "template" }));
    const view = await mountHistory();
    close = view.close;
    expect(row("run-000000").textContent).toContain("waited —");
    click(row("run-000000"));
    await settle();
    const disabled = (id: string) => (byTestId(id) as HTMLButtonElement).disabled;
    expect(disabled("history-run-again")).toBe(true);
    expect(disabled("history-delete")).toBe(true);
    expect(disabled("history-recall")).toBe(true);
    expect(disabled("history-show-gallery")).toBe(false);
  });

  it("says in plain words when the journal cannot be read", async () => {
    answer(door, 10);
    mocked.historyPage.mockRejectedValue({ code: "storage", message: "database is locked" });
    const view = await mountHistory();
    close = view.close;
    expect(byTestId("history-error")?.dataset.code).toBe("storage");
    expect(byTestId("history-error")?.textContent).toContain("database is locked");
  });

  it("refreshes while visible when the queue starts or ends runs", async () => {
    const { props } = await open(10);
    const before = mocked.historyPage.mock.calls.length;
    props.busy = true;
    await settle();
    props.busy = false;
    await settle();
    expect(mocked.historyPage.mock.calls.length).toBe(before + 2);
  });
});
