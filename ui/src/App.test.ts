import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { JobChange } from "./lib/bindings/JobChange";
import * as host from "./lib/host";
import * as settingsHost from "./lib/host/settings";
import { stubFrames, type Frames } from "./lib/testing/frames";
import { TAMS_CAPABILITIES, channelOf, demoBackend } from "./lib/testing/hostMock";
import { settleWindow } from "./lib/testing/settle";
import { inspection } from "./lib/testing/inspection";
import { referenceDoc, openedDoc } from "./lib/testing/reference";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());

const mocked = vi.mocked(host);
let app: ReturnType<typeof mount> | null = null;
let frames: Frames;

beforeEach(() => {
  frames = stubFrames();
  mocked.onJobEvent.mockImplementation(async () => () => {});
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.onFileDrop.mockResolvedValue(() => {});
  mocked.runWorkflow.mockResolvedValue(["run-1"]);
  mocked.inspectWorkflow.mockResolvedValue(inspection({ credits: 1.2 }));
  mocked.cancelRun.mockResolvedValue(true);
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
  vi.unstubAllGlobals();
});

async function open() {
  app = mount(App, { target: document.body });
  await settleWindow();
}

const $ = <T extends Element = HTMLElement>(selector: string) =>
  document.querySelector<T & HTMLElement>(selector);
const byTestId = (id: string) => $(`[data-testid="${id}"]`);

function send(change: JobChange, runId = "run-1") {
  // Runs this window starts report on their call's channel, not the global listener.
  channelOf(mocked.runWorkflow)({ runId, change });
  // Events apply at the next frame.
  frames.next();
  flushSync();
}

describe("App", () => {
  it("shows the workflow, its 11 nodes and the backend", async () => {
    await open();
    expect(document.querySelectorAll('[data-testid^="node-"]')).toHaveLength(11);
    expect(byTestId("node-3")?.dataset.state).toBe("waiting");
    expect(byTestId("node-3")?.textContent).toContain("KSampler");
    expect(document.querySelectorAll("svg.links path.edge")).toHaveLength(18);
    expect(byTestId("backend")?.textContent).toContain("Offline demo");
    expect(byTestId("backend")?.title).toContain("http://127.0.0.1:4000");
    expect(byTestId("run-status")?.textContent).toBe("Ready");
    expect(byTestId("run")).not.toHaveProperty("disabled", true);
  });

  it("selects a node and edits its parameters in place", async () => {
    await open();
    byTestId("node-3")!.click();
    flushSync();
    expect(byTestId("node-3")?.getAttribute("aria-pressed")).toBe("true");
    const params = byTestId("params")!;
    expect(params.textContent).toContain("KSampler");
    expect(byTestId("link-model")?.textContent).toContain("← node 14 output 0");

    const seed = byTestId("field-seed") as HTMLInputElement;
    expect(seed.value).toBe("12345");
    seed.value = "42";
    seed.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(params.textContent).toContain("Reset");

    byTestId("run")!.click();
    await settleWindow();
    const sent = mocked.runWorkflow.mock.calls[0][0];
    const sentSeed = sent.nodes.find((n) => n.id === "3")!.inputs.find((i) => i.name === "seed");
    expect(sentSeed).toMatchObject({ value: 42 });
  });

  it("edits prompts in a textarea and follows links to their source", async () => {
    await open();
    byTestId("node-6")!.click();
    flushSync();
    const text = byTestId("field-text") as HTMLTextAreaElement;
    expect(text.tagName).toBe("TEXTAREA");
    text.value = "a lighthouse";
    text.dispatchEvent(new Event("input", { bubbles: true }));
    byTestId("link-clip")!.querySelector("button")!.click();
    flushSync();
    expect(byTestId("params")?.textContent).toContain("#14");
  });

  it("runs on Ctrl+Enter and shows live progress from events only", async () => {
    await open();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true }));
    await settleWindow();
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(1);
    // More batches can be queued while this one runs.
    expect((byTestId("run") as HTMLButtonElement).disabled).toBe(false);
    expect(byTestId("run")?.getAttribute("aria-busy")).toBe("true");

    send({ kind: "queued", nodes: referenceDoc().nodes.map((n) => n.id) });
    send({ kind: "submitted", jobId: "job-1" });
    send({ kind: "waiting", queueRank: 2, queueLen: 5 });
    expect(byTestId("run-status")?.textContent).toBe("In queue: position 2 of 5");

    send({ kind: "node", nodeId: "4", status: "done", progress: 1, overall: 0.1 });
    send({ kind: "node", nodeId: "3", status: "running", progress: 0.5, overall: 0.4 });
    expect(byTestId("node-4")?.dataset.state).toBe("done");
    expect(byTestId("node-3")?.dataset.state).toBe("running");
    expect(byTestId("node-3")?.textContent).toContain("50%");
    expect(byTestId("run-status")?.textContent).toBe("Running KSampler 50% · 40% overall");

    send({
      kind: "imageSaved",
      image: { id: 1, path: "/lib/img-1.png", nodeId: "9", width: 1024, height: 1536 },
    });
    const img = byTestId("result-image") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe("easel://localhost/image/1");
    expect(byTestId("result-size")?.textContent).toBe("1024 × 1536");

    send({ kind: "succeeded", credits: null, images: 1 });
    expect(byTestId("run-status")?.textContent).toBe("Done: 1 image");
    for (const card of document.querySelectorAll<HTMLElement>('[data-testid^="node-"]')) {
      expect(card.dataset.state).toBe("done");
    }
    expect((byTestId("run") as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows a failed run as a banner and marks the failing node", async () => {
    await open();
    byTestId("run")!.click();
    await settleWindow();
    send({ kind: "node", nodeId: "17", status: "running", progress: 0.2, overall: 0.7 });
    send({ kind: "failed", code: "credits", message: "Balance is 0" });
    const banner = byTestId("error-banner")!;
    expect(banner.dataset.code).toBe("credits");
    expect(banner.textContent).toContain("Not enough credits");
    expect(byTestId("error-message")?.textContent).toBe("Balance is 0");
    expect(byTestId("node-17")?.dataset.state).toBe("failed");
    expect(byTestId("run-status")?.textContent).toBe("Failed: Balance is 0");
    (banner.querySelector("button.close") as HTMLButtonElement).click();
    flushSync();
    expect(byTestId("error-banner")).toBeNull();
  });

  it("shows a rejected run command as a banner", async () => {
    mocked.runWorkflow.mockRejectedValue({ code: "invalidWorkflow", message: "node 3: steps" });
    await open();
    byTestId("run")!.click();
    await settleWindow();
    expect(byTestId("error-banner")?.dataset.code).toBe("invalidWorkflow");
    expect(byTestId("run-status")?.textContent).toBe("Failed: node 3: steps");
  });

  it("says so when the workflow cannot be opened", async () => {
    mocked.openDefaultWorkflow.mockRejectedValue({ code: "noHost", message: "no backend" });
    await open();
    expect(byTestId("graph-placeholder")?.textContent).toContain("No workflow");
    expect(byTestId("error-banner")?.textContent).toContain("Not running inside Easel");
    expect((byTestId("run") as HTMLButtonElement).disabled).toBe(true);
  });

  it("takes the backend a Settings save switched to into the app bar", async () => {
    vi.mocked(settingsHost).saveSettings.mockResolvedValue({
      kind: "tams",
      endpoint: "https://ap-east-1.tensorart.cloud",
      capabilities: TAMS_CAPABILITIES,
      library: "/lib",
      notice: null,
    });
    await open();
    expect(byTestId("backend")?.textContent).toContain("Offline demo");
    byTestId("nav-settings")!.click();
    await settleWindow();
    const concurrency = byTestId("settings-concurrency") as HTMLInputElement;
    concurrency.value = "3";
    concurrency.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    byTestId("settings-save")!.click();
    await settleWindow();
    expect(vi.mocked(settingsHost).saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ concurrency: 3 }),
    );
    expect(byTestId("backend")?.textContent).toContain("Tensor.Art");
    expect(byTestId("backend")?.title).toContain("https://ap-east-1.tensorart.cloud");
  });
});
