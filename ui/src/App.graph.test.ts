// The graph panel loads beside the window's first paint (GenerateView): one that cannot be loaded
// says so in its place, and the rest of the Generate view (parameters, Run) still works.
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import * as host from "./lib/host";
import { demoBackend } from "./lib/testing/hostMock";
import { settleWindow } from "./lib/testing/settle";
import { inspection } from "./lib/testing/inspection";
import { openedDoc } from "./lib/testing/reference";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());
// As when the chunk is missing from an installation.
vi.mock("./lib/generate/GraphPanel.svelte", () => {
  throw new Error("the graph's script is missing");
});

const mocked = vi.mocked(host);
let app: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  mocked.onJobEvent.mockImplementation(async () => () => {});
  mocked.onFileDrop.mockResolvedValue(() => {});
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.inspectWorkflow.mockResolvedValue(inspection({ credits: 1.2 }));
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});

describe("Generate view without its graph panel", () => {
  it("says the graph could not load, in its place, and keeps the rest of the view", async () => {
    app = mount(App, { target: document.body });
    await settleWindow();
    const error = document.querySelector('[data-testid="graph-load-error"]');
    // The reason comes from the failed import (vitest wraps the factory's error in its own).
    expect(error?.textContent).toMatch(/could not be loaded \(Error: .+\)/);
    expect(document.querySelectorAll('[data-testid^="node-"]')).toHaveLength(0);
    expect(document.querySelector('[data-testid="graph-placeholder"]')).toBeNull();
    // The toolbar and the form do not depend on the graph.
    expect(document.querySelector('[data-testid="run"]')).not.toBeNull();
    expect(console.warn).toHaveBeenCalledWith("Easel: could not load the graph", expect.anything());
  });
});
