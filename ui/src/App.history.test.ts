// The History view in the whole window: its key and tab, recalling a run into Generate, showing
// a run's images in the gallery, and "Run again" past a spend cap asking in the app's dialog
// (spent, estimate, cap) before it runs with the accepted estimate.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import * as host from "./lib/host";
import * as historyHost from "./lib/host/history";
import * as libraryHost from "./lib/host/library";
import { answer as answerLibrary } from "./lib/gallery/fixtures";
import { answer as answerHistory } from "./lib/history/fixtures";
import { openedDoc, referenceDoc } from "./lib/testing/reference";
import { demoBackend } from "./lib/testing/hostMock";
import { settleWindow } from "./lib/testing/settle";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());
vi.mock("./lib/host/history", async () => (await import("./lib/history/fixtures")).hostModule());
vi.mock("./lib/host/library", async () => (await import("./lib/gallery/fixtures")).hostModule());

const mocked = vi.mocked(host);
const history = vi.mocked(historyHost);
const library = vi.mocked(libraryHost);
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(800);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1200);
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  answerHistory(historyHost, 20);
  answerLibrary(libraryHost, 5);
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
});

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const visible = (view: string) => byTestId(`view-${view}`)?.hidden === false;

function press(key: string) {
  window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  flushSync();
}

async function openRun(runId: string) {
  app = mount(App, { target: document.body });
  await settleWindow();
  press("4");
  await settleWindow();
  byTestId("history-list")!
    .querySelector<HTMLElement>(`[data-run-id="${runId}"]`)!
    .dispatchEvent(new MouseEvent("click", { bubbles: true }));
  await settleWindow();
}

describe("History in the app", () => {
  it("is view 4 of the bar and key 4; Settings moved to 5", async () => {
    app = mount(App, { target: document.body });
    await settleWindow();
    const tabs = [...document.querySelectorAll<HTMLElement>('nav [data-testid^="nav-"]')];
    expect(tabs.map((b) => b.dataset.testid)).toEqual([
      "nav-generate",
      "nav-gallery",
      "nav-favourites",
      "nav-history",
      "nav-settings",
    ]);
    expect(byTestId("nav-history")?.title).toBe("History (4)");
    press("4");
    await settleWindow();
    expect(visible("history")).toBe(true);
    expect(history.historyPage).toHaveBeenCalled();
    press("5");
    await settleWindow();
    expect(visible("settings")).toBe(true);
    expect(visible("history")).toBe(false);
  });

  it("recalls a run into Generate with the values it sent", async () => {
    const recalled = { ...referenceDoc(), name: "recalled run" };
    history.historyRecall.mockResolvedValue(openedDoc(recalled));
    await openRun("run-000001");
    byTestId("history-recall")!.click();
    await settleWindow();
    expect(history.historyRecall).toHaveBeenCalledWith("run-000001");
    expect(visible("generate")).toBe(true);
    expect(byTestId("workflow-name")?.textContent).toContain("recalled run");
  });

  it("shows a run's images in the gallery, filtered by that run", async () => {
    await openRun("run-000001");
    byTestId("history-show-gallery")!.click();
    await settleWindow();
    expect(visible("gallery")).toBe(true);
    expect(library.queryImages).toHaveBeenCalledTimes(1);
    expect(library.queryImages.mock.lastCall![0].filter.run).toBe("run-000001");
  });

  it("asks before running again past the daily cap, then runs with the estimate", async () => {
    history.retryRun
      .mockRejectedValueOnce({
        code: "spendCap",
        message: "past the daily cap",
        details: { credits: 2.4, spent: 19, cap: 20, period: "day" },
      })
      .mockResolvedValueOnce("run-new");
    await openRun("run-000002");
    byTestId("history-run-again")!.click();
    await settleWindow();
    const dialog = byTestId("confirm-cost")!;
    expect(dialog.textContent).toContain(
      "This run is estimated at 2.4 credits; you have spent 19 of your daily cap of 20.",
    );
    byTestId("confirm-run")!.click();
    await settleWindow();
    expect(history.retryRun).toHaveBeenCalledTimes(2);
    expect(history.retryRun.mock.calls[1][0]).toBe("run-000002");
    expect(history.retryRun.mock.calls[1][2]).toEqual({ credits: 2.4, overCap: 2.4 });
    expect(byTestId("confirm-cost")).toBeNull();
  });
});
