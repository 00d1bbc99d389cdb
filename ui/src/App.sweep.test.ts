// A sweep through the whole window: the editor in the parameters panel, Run sweep sending the
// axes with the batch, and the grid beside the results following the batch's channel.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { Axis } from "./lib/bindings/Axis";
import type { FormField } from "./lib/bindings/FormField";
import type { JobChange } from "./lib/bindings/JobChange";
import * as host from "./lib/host";
import * as sweepHost from "./lib/host/sweep";
import { stubFrames, type Frames } from "./lib/testing/frames";
import { channelOf, demoBackend } from "./lib/testing/hostMock";
import { settleWindow } from "./lib/testing/settle";
import { inspection } from "./lib/testing/inspection";
import { openedDoc } from "./lib/testing/reference";
import { formField } from "./lib/testing/formField";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());
vi.mock("./lib/host/sweep", () => ({
  sweepAxis: vi.fn(),
  sweepQuote: vi.fn(),
  sweepGrid: vi.fn(),
}));

const mocked = vi.mocked(host);
const sweeps = vi.mocked(sweepHost);
let app: ReturnType<typeof mount> | null = null;
let frames: Frames;

const cfg: FormField = formField({
  input: "cfg",
  kind: "number",
  value: 7,
  min: 0,
  max: 100,
  step: 0.5,
});

const axis: Axis = {
  target: { kind: "input", nodeId: "3", input: "cfg" },
  values: [
    { label: "4", value: 4 },
    { label: "6", value: 6 },
  ],
};

beforeEach(() => {
  frames = stubFrames();
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.inspectWorkflow.mockResolvedValue(inspection({ fields: [cfg], credits: 1.2 }));
  mocked.runWorkflow.mockResolvedValue(["c1", "c2"]);
  sweeps.sweepAxis.mockResolvedValue(axis);
  sweeps.sweepQuote.mockResolvedValue({ each: 1.2, runs: 2, total: 2.4 });
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
  vi.unstubAllGlobals();
});

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const cells = () => [...document.querySelectorAll<HTMLElement>(`[data-testid="sweep-cell"]`)];

function send(change: JobChange, runId: string) {
  channelOf(mocked.runWorkflow)({ runId, change });
  frames.next();
  flushSync();
}

describe("sweep", () => {
  it("runs a sweep from the parameters panel and follows its grid beside the results", async () => {
    app = mount(App, { target: document.body });
    await settleWindow();
    byTestId("sweep-toggle")!.click();
    flushSync();
    const values = byTestId<HTMLInputElement>("sweep-axis-x-values")!;
    values.value = "4, 6";
    values.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    await vi.waitFor(() => {
      flushSync();
      expect(byTestId("sweep-summary")?.textContent?.trim()).toBe("2 = 2 runs · 2.4 credits");
    });
    expect(sweeps.sweepAxis.mock.calls[0].slice(1)).toEqual(["3.cfg", "4, 6"]);
    byTestId("sweep-run")!.click();
    await settleWindow();
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(1);
    expect(mocked.runWorkflow.mock.calls[0][1]).toMatchObject({
      count: 1,
      sweep: { axes: [axis] },
    });
    expect(byTestId("result-tab-sweep")?.getAttribute("aria-selected")).toBe("true");
    expect(cells().map((c) => c.dataset.state)).toEqual(["queued", "queued"]);

    send(
      { kind: "imageSaved", image: { id: 3, path: "/o/c1.png", nodeId: "9", width: 8, height: 8 } },
      "c1",
    );
    send({ kind: "succeeded", credits: 1.2, images: 1 }, "c1");
    send({ kind: "succeeded", credits: 1.2, images: 0 }, "c2");
    expect(cells().map((c) => c.dataset.state)).toEqual(["succeeded", "succeeded"]);
    expect(cells()[0].querySelector("img")?.getAttribute("src")).toBe("easel://localhost/thumb/3");
    const grid = { id: 8, path: "/o/grid.png", nodeId: "", width: 16, height: 8 };
    send({ kind: "sweepGrid", sweepId: "sw", image: grid }, "c2");
    expect(byTestId("sweep-grid-done")?.dataset.state).toBe("done");

    // The results are a tab away; closing the grid brings them back alone.
    byTestId("result-tab-result")!.click();
    flushSync();
    expect(byTestId("sweep-grid")).toBeNull();
    byTestId("result-tab-sweep")!.click();
    flushSync();
    byTestId("sweep-grid-close")!.click();
    flushSync();
    expect(byTestId("result-tab-sweep")).toBeNull();
    expect(byTestId("sweep-grid")).toBeNull();
  });
});
