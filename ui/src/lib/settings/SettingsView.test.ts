import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appContext } from "../app/context";
import { AppState } from "../app/state.svelte";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { Settings } from "../bindings/Settings";
import * as host from "../host/settings";
import { setLocale } from "../i18n/index.svelte";
import SettingsView from "./SettingsView.svelte";
import { DEFAULT_SETTINGS, TAMS_CAPABILITIES } from "../testing/hostMock";

vi.mock("../host/settings", () => ({
  loadSettings: vi.fn(),
  saveSettings: vi.fn(),
  keyStatus: vi.fn(),
  setKey: vi.fn(),
  removeKey: vi.fn(),
  pickPrivateKey: vi.fn(),
  pickLibraryFolder: vi.fn(),
  renderingInfo: vi.fn(),
}));

const mocked = vi.mocked(host);
const defaults: Settings = { ...DEFAULT_SETTINGS };
const info: BackendInfo = {
  kind: "tams",
  endpoint: "https://ap-east-1.tensorart.cloud",
  capabilities: TAMS_CAPABILITIES,
  library: "/home/me/Pictures/Easel",
  notice: null,
};
const SECRET = "sk-live-9f8e7d6c5b4a-abcd";
const noKey = { present: false, hint: null, account: "tams:https://ap-east-1.tensorart.cloud" };
const stored = { present: true, hint: "…abcd", account: "tams:https://ap-east-1.tensorart.cloud" };

let view: ReturnType<typeof mount> | null = null;
/** The app store the view reports saves to, as App.svelte hands it down. */
let app: AppState;

beforeEach(() => {
  mocked.loadSettings.mockResolvedValue({ ...defaults });
  mocked.keyStatus.mockResolvedValue(noKey);
  mocked.saveSettings.mockResolvedValue(info);
  mocked.renderingInfo.mockResolvedValue({
    setting: "auto",
    accelerated: false,
    reason: { kind: "noRenderNode" },
  });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  setLocale("en");
  document.body.innerHTML = "";
});

async function settle() {
  for (let i = 0; i < 6; i++) await tick();
  flushSync();
}

async function open(settings: Partial<Settings> = {}) {
  mocked.loadSettings.mockResolvedValue({ ...defaults, ...settings });
  mountView();
  await settle();
}

function mountView() {
  app = new AppState();
  view = mount(SettingsView, { target: document.body, context: appContext(app) });
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const errors = () => [...document.querySelectorAll<HTMLElement>('[data-testid="settings-error"]')];

async function choose(id: string, value: string) {
  const select = byTestId<HTMLSelectElement>(id)!;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  await settle();
}

async function type(id: string, value: string, commit = false) {
  const input = byTestId<HTMLInputElement>(id)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  if (commit) input.dispatchEvent(new Event("change", { bubbles: true }));
  await settle();
}

async function click(id: string) {
  byTestId(id)!.click();
  await settle();
}

describe("SettingsView", () => {
  it("shows the saved settings, with Save disabled until something changes", async () => {
    await open({ concurrency: 3, theme: "dark" });
    expect(byTestId("settings")).not.toBeNull();
    expect(byTestId<HTMLSelectElement>("settings-backend")!.value).toBe("demo");
    expect(byTestId<HTMLInputElement>("settings-concurrency")!.value).toBe("3");
    expect(byTestId<HTMLInputElement>("settings-confirm-above")!.value).toBe("10");
    expect(byTestId<HTMLSelectElement>("settings-theme")!.value).toBe("dark");
    expect(byTestId<HTMLSelectElement>("settings-language")!.value).toBe("system");
    expect(byTestId("settings-library-folder")?.textContent).toContain("Default");
    // The demo needs no key and no region.
    expect(byTestId("settings-key-input")).toBeNull();
    expect(byTestId("settings-region")).toBeNull();
    expect(mocked.keyStatus).not.toHaveBeenCalled();
    expect(byTestId<HTMLButtonElement>("settings-save")!.disabled).toBe(true);
  });

  it("saves the changes, reports them and says so", async () => {
    await open();
    await type("settings-concurrency", "4");
    await choose("settings-language", "zh-CN");
    expect(byTestId<HTMLButtonElement>("settings-save")!.disabled).toBe(false);
    await click("settings-save");
    const sent = { ...defaults, concurrency: 4, language: "zh-CN" };
    expect(mocked.saveSettings).toHaveBeenCalledWith(sent);
    // The app store now holds what was saved and the backend the save switched to.
    expect(app.settings).toEqual(sent);
    expect(app.backend).toEqual(info);
    expect(app.confirmAbove).toBe(sent.confirmAbove);
    expect(byTestId("settings-note")?.textContent).toContain("Settings saved.");
    expect(byTestId<HTMLButtonElement>("settings-save")!.disabled).toBe(true);
    // Editing again hides the note.
    await type("settings-concurrency", "5");
    expect(byTestId("settings-note")).toBeNull();
  });

  it("shows the region for Tensor.Art and the URL for a custom service", async () => {
    await open();
    await choose("settings-backend", "tams");
    expect(byTestId<HTMLSelectElement>("settings-region")!.value).toBe("international");
    expect(mocked.keyStatus).toHaveBeenLastCalledWith(expect.objectContaining({ backend: "tams" }));
    await choose("settings-region", "china");
    expect(mocked.keyStatus).toHaveBeenLastCalledWith(
      expect.objectContaining({ backend: "tams", region: "china" }),
    );

    await choose("settings-backend", "custom");
    expect(byTestId("settings-region")).toBeNull();
    expect(byTestId("settings")?.textContent).toContain("Enter the base URL first");
    expect(byTestId("settings-key-input")).toBeNull();
    await type("settings-custom-url", "http://127.0.0.1:9000", true);
    expect(mocked.keyStatus).toHaveBeenLastCalledWith(
      expect.objectContaining({ backend: "custom", customUrl: "http://127.0.0.1:9000" }),
    );
    expect(byTestId("settings-key-input")).not.toBeNull();
  });

  it("offers a ComfyUI server with its address and an optional proxy header kept as a secret", async () => {
    mocked.setKey.mockResolvedValue({
      present: true,
      hint: "…cret",
      account: "comfyui:https://gpu.example.com",
    });
    await open();
    await choose("settings-backend", "comfyui");
    expect(byTestId<HTMLInputElement>("settings-comfyui-url")!.value).toBe("http://127.0.0.1:8188");
    expect(byTestId("settings-auth-mode")).toBeNull();
    expect(byTestId("settings-key-input")).toBeNull();
    await type("settings-comfyui-url", "https://gpu.example.com", true);
    await type("settings-comfyui-header", "Authorization", true);
    expect(mocked.keyStatus).toHaveBeenLastCalledWith(
      expect.objectContaining({ backend: "comfyui", comfyuiHeader: "Authorization" }),
    );
    await type("settings-key-input", "Bearer s3cret");
    await click("settings-key-save");
    expect(mocked.setKey).toHaveBeenCalledWith(
      expect.objectContaining({ backend: "comfyui", comfyuiUrl: "https://gpu.example.com" }),
      "Bearer s3cret",
    );
    expect(document.body.innerHTML).not.toContain("s3cret");
  });

  it("stores the key, clears the box and only ever shows the hint", async () => {
    mocked.setKey.mockResolvedValue(stored);
    await open({ backend: "tams" });
    expect(byTestId("settings-key-hint")).toBeNull();
    expect(byTestId("settings-key-remove")).toBeNull();
    const input = byTestId<HTMLInputElement>("settings-key-input")!;
    expect(input.type).toBe("password");
    expect(byTestId<HTMLButtonElement>("settings-key-save")!.disabled).toBe(true);

    await type("settings-key-input", SECRET);
    await click("settings-key-save");
    expect(mocked.setKey).toHaveBeenCalledWith(
      expect.objectContaining({ backend: "tams" }),
      SECRET,
    );
    expect(byTestId<HTMLInputElement>("settings-key-input")!.value).toBe("");
    expect(byTestId("settings-key-hint")?.textContent).toBe("…abcd");
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(document.body.innerHTML).not.toContain("9f8e7d6c");
    expect(byTestId("settings-key-save")?.textContent).toContain("Replace key");
    // The key is no setting: Save stays disabled and nothing went to saveSettings.
    expect(byTestId<HTMLButtonElement>("settings-save")!.disabled).toBe(true);
    expect(mocked.saveSettings).not.toHaveBeenCalled();
  });

  it("keeps the typed key when the keychain refuses it", async () => {
    mocked.setKey.mockRejectedValue({ code: "storage", message: "The keychain is locked." });
    await open({ backend: "tams" });
    await type("settings-key-input", SECRET);
    await click("settings-key-save");
    expect(byTestId("settings-key-error")?.textContent).toContain("keychain is locked");
    expect(byTestId<HTMLInputElement>("settings-key-input")!.value).toBe(SECRET);
    expect(byTestId("settings-key-hint")).toBeNull();
  });

  it("removes the stored key", async () => {
    mocked.keyStatus.mockResolvedValue(stored);
    mocked.removeKey.mockResolvedValue(noKey);
    await open({ backend: "tams" });
    expect(byTestId("settings-key-hint")?.textContent).toBe("…abcd");
    await click("settings-key-remove");
    expect(mocked.removeKey).toHaveBeenCalledWith(expect.objectContaining({ backend: "tams" }));
    expect(byTestId("settings-key-hint")).toBeNull();
    expect(byTestId("settings")?.textContent).toContain("No key is stored");
  });

  it("shows the backend's field error next to that field", async () => {
    mocked.saveSettings.mockRejectedValue({
      code: "invalidSettings",
      message: '"ftp://x" must start with https:// or http://',
      details: { field: "customUrl" },
    });
    await open({ backend: "custom", customUrl: "http://a" });
    await type("settings-custom-url", "ftp://x");
    await click("settings-save");
    expect(errors()).toHaveLength(1);
    const error = errors()[0];
    expect(error.dataset.field).toBe("customUrl");
    expect(error.textContent).toBe('"ftp://x" must start with https:// or http://');
    expect(error.parentElement?.contains(byTestId("settings-custom-url"))).toBe(true);
    // A refused save leaves the app store as it was.
    expect(app.settings).toBeNull();
    expect(app.backend).toBeNull();
  });

  it("catches a number the backend could not read at its field", async () => {
    await open();
    await type("settings-concurrency", "");
    await click("settings-save");
    expect(mocked.saveSettings).not.toHaveBeenCalled();
    expect(errors()[0].dataset.field).toBe("concurrency");
    expect(errors()[0].textContent).toBe("enter a whole number");
  });

  it("says when runs block a save", async () => {
    mocked.saveSettings.mockRejectedValue({ code: "busy", message: "runs are active" });
    await open();
    await choose("settings-theme", "light");
    await click("settings-save");
    expect(errors()).toHaveLength(1);
    expect(errors()[0].dataset.field).toBeUndefined();
    expect(errors()[0].textContent).toContain("Runs are under way");
  });

  it("signs with RSA from an app id and a private key file", async () => {
    mocked.pickPrivateKey.mockResolvedValue("/home/me/keys/tams.pem");
    await open({ backend: "tams" });
    await choose("settings-auth-mode", "rsa");
    expect(byTestId("settings-key-input")).toBeNull();
    await type("settings-app-id", "app-123");
    await click("settings-private-key");
    expect(byTestId("settings")?.textContent).toContain("/home/me/keys/tams.pem");
    await click("settings-save");
    expect(mocked.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({
        authMode: "rsa",
        appId: "app-123",
        privateKeyPath: "/home/me/keys/tams.pem",
      }),
    );
  });

  it("picks a library folder and goes back to the default", async () => {
    mocked.pickLibraryFolder.mockResolvedValueOnce("/data/art").mockResolvedValueOnce(null);
    await open();
    await click("settings-library-pick");
    expect(byTestId("settings-library-folder")?.textContent).toContain("/data/art");
    await click("settings-library-pick");
    expect(byTestId("settings-library-folder")?.textContent).toContain("/data/art");
    await click("settings-library-default");
    expect(byTestId("settings-library-folder")?.textContent).toContain("Default");
    expect(byTestId<HTMLButtonElement>("settings-save")!.disabled).toBe(true);
  });

  it("says when the settings cannot be loaded, and speaks Chinese", async () => {
    setLocale("zh-CN");
    mocked.loadSettings.mockRejectedValue({ code: "noHost", message: "not in the app" });
    mountView();
    await settle();
    expect(byTestId("settings")?.textContent).toContain("设置");
    expect(errors()[0].textContent).toContain("无法读取设置：not in the app");
    expect(byTestId("settings-save")).toBeNull();
  });

  it("says how the window paints and why, and saves a new choice for the next start", async () => {
    await open();
    const now = byTestId("rendering-now")!;
    expect(now.dataset.accelerated).toBe("false");
    expect(now.textContent).toContain("without compositing");
    expect(now.textContent).toContain("no GPU render node was found");
    expect(byTestId("rendering-restart")).toBeNull();
    await choose("settings-rendering", "accelerated");
    expect(byTestId("rendering-restart")?.textContent).toContain("Restart Easel");
    await click("settings-save");
    expect(mocked.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ rendering: "accelerated" }),
    );
  });

  it("names the GPU driver it found", async () => {
    mocked.renderingInfo.mockResolvedValue({
      setting: "auto",
      accelerated: true,
      reason: { kind: "hardwareFound", drivers: ["amdgpu"] },
    });
    await open();
    expect(byTestId("rendering-now")?.textContent).toContain("GPU compositing");
    expect(byTestId("rendering-now")?.textContent).toContain("(amdgpu)");
  });
});
