// Model-id inputs: the model's name, type and base, one question per id, unknown ids, typing.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ModelInfo } from "../../bindings/ModelInfo";
import * as host from "../../host";
import ModelField from "./ModelField.svelte";

vi.mock("../../host", () => ({
  modelInfo: vi.fn(),
  modelPreviewUrl: (id: string) => `easel://localhost/model/${id}`,
}));

const mocked = vi.mocked(host);
const views: ReturnType<typeof mount>[] = [];

const lora = (id: string, more: Partial<ModelInfo> = {}): ModelInfo => ({
  id,
  name: "Paper Cut Style",
  modelType: "LORA",
  baseModel: "SDXL 1.0",
  hasPreview: true,
  ...more,
});

beforeEach(() => {
  mocked.modelInfo.mockImplementation(async (id) => lora(id));
});

afterEach(() => {
  for (const view of views.splice(0)) unmount(view);
  document.body.innerHTML = "";
  vi.useRealTimers();
});

async function settle() {
  for (let i = 0; i < 6; i++) await tick();
  flushSync();
}

function show(value: unknown, testid = "10-lora_name") {
  const props = $state({
    id: `form-${testid}`,
    testid,
    inputKey: testid,
    value,
    picker: null,
    onchange: vi.fn((next: unknown) => {
      props.value = next;
    }),
  });
  views.push(mount(ModelField, { target: document.body, props }));
  flushSync();
  return props;
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);

describe("ModelField", () => {
  it("shows the model's name, type, base model and preview, with the raw id editable", async () => {
    show("100000000000000001");
    await settle();
    expect(byTestId("model-name-10-lora_name")?.textContent).toBe("Paper Cut Style");
    const card = byTestId("model-10-lora_name")!;
    expect(card.textContent).toContain("LORA");
    expect(card.textContent).toContain("SDXL 1.0");
    const img = byTestId<HTMLImageElement>("model-preview-10-lora_name")!;
    expect(img.getAttribute("src")).toBe("easel://localhost/model/100000000000000001");
    expect(img.width).toBe(48);
    expect(byTestId<HTMLInputElement>("field-10-lora_name")?.value).toBe("100000000000000001");
  });

  it("asks once for an id however many fields show it", async () => {
    for (let n = 0; n < 20; n++) show("100000000000000002", `f${n}-ckpt`);
    await settle();
    show("100000000000000002", "later-ckpt");
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledTimes(1);
    expect(mocked.modelInfo).toHaveBeenCalledWith("100000000000000002");
    expect(byTestId("model-name-later-ckpt")?.textContent).toBe("Paper Cut Style");
  });

  it("hides a preview that fails to load, and has none when the service lists none", async () => {
    show("100000000000000003");
    await settle();
    byTestId("model-preview-10-lora_name")!.dispatchEvent(new Event("error"));
    flushSync();
    expect(byTestId("model-preview-10-lora_name")).toBeNull();
    mocked.modelInfo.mockResolvedValueOnce(lora("100000000000000004", { hasPreview: false }));
    show("100000000000000004", "other");
    await settle();
    expect(byTestId("model-name-other")).not.toBeNull();
    expect(byTestId("model-preview-other")).toBeNull();
  });

  it("says Unknown model with the id when the service has no such model", async () => {
    mocked.modelInfo.mockRejectedValue({ code: "notFound", message: "model not found" });
    show(5005);
    await settle();
    const card = byTestId("model-10-lora_name")!;
    expect(card.dataset.state).toBe("failed");
    expect(byTestId("model-name-10-lora_name")?.textContent).toBe("Unknown model");
    expect(card.textContent).toContain("5005");
  });

  it("asks again after an offline failure, but not after an unknown id", async () => {
    mocked.modelInfo.mockRejectedValue({ code: "network", message: "offline" });
    show("100000000000000006", "a");
    await settle();
    expect(byTestId("model-name-a")?.textContent).toBe("Model details unavailable");
    show("100000000000000006", "b");
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledTimes(2);
    mocked.modelInfo.mockRejectedValue({ code: "notFound", message: "model not found" });
    show("100000000000000008", "c");
    await settle();
    show("100000000000000008", "d");
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledTimes(3);
    expect(byTestId("model-name-d")?.textContent).toBe("Unknown model");
  });

  it("keeps the typed id as text and looks it up once typing pauses", async () => {
    vi.useFakeTimers();
    const props = show(7007);
    await settle();
    const input = byTestId<HTMLInputElement>("field-10-lora_name")!;
    for (const text of ["6", "64", "648628718430054626"]) {
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      flushSync();
    }
    expect(props.onchange).toHaveBeenLastCalledWith("648628718430054626");
    expect(props.value).toBe("648628718430054626");
    expect(mocked.modelInfo).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(400);
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledTimes(2);
    expect(mocked.modelInfo).toHaveBeenLastCalledWith("648628718430054626");
  });
});
