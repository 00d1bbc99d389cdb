import { beforeEach, describe, expect, it, vi } from "vitest";
import * as host from "../host";
import { DEFAULT_SETTINGS, TAMS_CAPABILITIES } from "../testing/hostMock";
import { AppState, DEFAULT_CONFIRM_ABOVE } from "./state.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());
vi.mock("../host/settings", async () => (await import("../testing/hostMock")).settingsMock());

const mocked = vi.mocked(host);
const info = {
  kind: "demo" as const,
  endpoint: "http://127.0.0.1:4000",
  capabilities: TAMS_CAPABILITIES,
  library: "/l",
  notice: null,
};

beforeEach(() => {
  mocked.backendInfo.mockResolvedValue(info);
  mocked.recentFiles.mockResolvedValue(["/w/a.json"]);
});

describe("AppState", () => {
  it("loads backend, settings and recent files, keeping what fails as it was", async () => {
    const app = new AppState();
    expect(app.confirmAbove).toBe(DEFAULT_CONFIRM_ABOVE);
    mocked.backendInfo.mockRejectedValue({ code: "server", message: "x" });
    await app.load();
    expect(app.backend).toBeNull();
    expect(app.settings).toEqual(DEFAULT_SETTINGS);
    expect(app.recent).toEqual(["/w/a.json"]);
  });

  it("takes what Settings saved, threshold included", () => {
    const app = new AppState();
    app.saved({ ...DEFAULT_SETTINGS, confirmAbove: 3 }, info);
    expect(app.confirmAbove).toBe(3);
    expect(app.backend).toBe(info);
  });

  it("says when a save switched the backend, and only then", () => {
    const app = new AppState();
    let switches = 0;
    app.onswitch = () => (switches += 1);
    app.saved(DEFAULT_SETTINGS, info);
    app.saved({ ...DEFAULT_SETTINGS, confirmAbove: 3 }, info);
    expect(switches).toBe(1);
    const comfy = {
      ...info,
      kind: "comfyui" as const,
      endpoint: "http://127.0.0.1:8188",
      capabilities: { credits: false, templates: false, modelIds: false, previews: true },
    };
    app.saved({ ...DEFAULT_SETTINGS, backend: "comfyui" }, comfy);
    expect(switches).toBe(2);
  });

  it("keeps the recent list when it cannot be refreshed", async () => {
    const app = new AppState();
    await app.refreshRecent();
    mocked.recentFiles.mockRejectedValue({ code: "server", message: "x" });
    await app.refreshRecent();
    expect(app.recent).toEqual(["/w/a.json"]);
  });
});
