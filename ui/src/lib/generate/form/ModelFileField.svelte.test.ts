// The model picker of a file-name model input, against the real form state (only the host door is
// mocked): paste → lookup → Confirm maps and inspects again → mapped mark → Undo; errors by code;
// misfits; and id values keeping the id field.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FormField } from "../../bindings/FormField";
import type { ModelInfo } from "../../bindings/ModelInfo";
import type { WorkflowDoc } from "../../bindings/WorkflowDoc";
import * as host from "../../host";
import { inspection, mapping, modelUse, readiness } from "../../testing/inspection";
import ModelField from "./ModelField.svelte";
import { FormState } from "./state.svelte";
import { formField } from "../../testing/formField";

vi.mock("../../host", async () => (await import("../../testing/hostMock")).hostMock());

const mocked = vi.mocked(host);
const FILE = "v1-5-pruned-emaonly.safetensors";
const URL_ = "https://tensor.art/models/600423083519508503/Demo-realistic?source=share";

const doc: WorkflowDoc = {
  name: "dropped",
  nodes: [
    {
      id: "4",
      classType: "CheckpointLoaderSimple",
      title: null,
      inputs: [{ kind: "value", name: "ckpt_name", value: FILE }],
      extra: {},
    },
  ],
};

const field: FormField = formField({
  nodeId: "4",
  nodeTitle: "Load Checkpoint",
  classType: "CheckpointLoaderSimple",
  input: "ckpt_name",
  kind: "model",
  value: FILE,
  modelType: "checkpoint",
});

const checkpoint = (id: string, more: Partial<ModelInfo> = {}): ModelInfo => ({
  id,
  name: "Demo realistic checkpoint",
  modelType: "CHECKPOINT",
  baseModel: "SD 1.5",
  hasPreview: true,
  ...more,
});

/** What the backend says about the graph: the file unmapped, mapped, or mapped to a misfit. */
const unmapped = () =>
  inspection({
    models: [modelUse("4", "ckpt_name", FILE)],
    readiness: readiness({ ready: false, unmapped: 1 }),
  });
const mapped = () =>
  inspection({
    models: [modelUse("4", "ckpt_name", FILE, { mapping: mapping(FILE) })],
  });

let view: ReturnType<typeof mount> | null = null;
let form: FormState;

beforeEach(() => {
  mocked.modelInfo.mockImplementation(async (id) => checkpoint(id));
  mocked.inspectWorkflow.mockResolvedValue(unmapped());
  form = new FormState(300, () => doc);
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
  vi.useRealTimers();
});

async function settle() {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

/** Shows the field after the first inspection answered (unless `inspected` is false). */
async function show(value: unknown = FILE, inspected = true) {
  if (inspected) await form.refresh(doc);
  // The parent's state: an edit comes back as the new value.
  const current = $state({ value });
  const onchange = vi.fn((next: unknown) => (current.value = next));
  view = mount(ModelField, {
    target: document.body,
    props: {
      id: "form-4-ckpt_name",
      testid: "4-ckpt_name",
      inputKey: "4-ckpt_name",
      get value() {
        return current.value;
      },
      // A getter, as a parent's template would pass it: it follows the form's inspections.
      get picker() {
        return form.modelPicker(field);
      },
      onchange,
    },
  });
  await settle();
  return onchange;
}

const container = () =>
  document.querySelector<HTMLElement>('[data-testid="model-field-4-ckpt_name"]')!;
const inField = <T extends HTMLElement = HTMLElement>(id: string) =>
  container().querySelector<T>(`[data-testid="${id}"]`);

function paste(text: string) {
  const box = inField<HTMLInputElement>("model-reference")!;
  box.value = text;
  box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  flushSync();
}

function type(text: string) {
  const box = inField<HTMLInputElement>("model-reference")!;
  for (let n = 1; n <= text.length; n++) {
    box.value = text.slice(0, n);
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText" }));
    flushSync();
  }
}

async function confirm() {
  inField<HTMLButtonElement>("model-map-confirm")!.click();
  await settle();
}

describe("the model picker", () => {
  it("maps a pasted model page: lookup, Confirm, inspected again, mapped mark, then Undo", async () => {
    await show();
    expect(container().textContent).toContain(FILE);
    expect(inField("model-unmapped")?.textContent).toBe("Unmapped");
    expect(inField("model-mapped")).toBeNull();
    expect(inField<HTMLButtonElement>("model-map-confirm")!.disabled).toBe(true);

    paste(URL_);
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledWith("600423083519508503");
    expect(inField("model-preview-name")?.textContent).toBe("Demo realistic checkpoint");
    expect(container().textContent).toContain("CHECKPOINT");
    expect(container().textContent).toContain("SD 1.5");
    expect(inField<HTMLImageElement>("model-preview")?.getAttribute("src")).toBe(
      "easel://localhost/model/600423083519508503",
    );

    mocked.modelMap.mockResolvedValue(mapping(FILE));
    mocked.inspectWorkflow.mockResolvedValue(mapped());
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(1);
    await confirm();
    expect(mocked.modelMap).toHaveBeenCalledWith(FILE, URL_, "checkpoint");
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(2);
    expect(mocked.inspectWorkflow.mock.lastCall![0]).toEqual(doc);
    expect(form.readiness?.ready).toBe(true);
    const mark = inField("model-mapped")!;
    expect(mark.textContent).toContain("Demo realistic checkpoint");
    expect(mark.textContent).toContain("600423083519508503");
    expect(inField("model-unmapped")).toBeNull();
    expect(inField("model-reference")).toBeNull();

    mocked.modelUnmap.mockResolvedValue(true);
    mocked.inspectWorkflow.mockResolvedValue(unmapped());
    inField<HTMLButtonElement>("model-unmap")!.click();
    await settle();
    expect(mocked.modelUnmap).toHaveBeenCalledWith(FILE);
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(3);
    expect(form.readiness?.ready).toBe(false);
    expect(inField("model-mapped")).toBeNull();
    expect(inField("model-unmapped")).not.toBeNull();
    expect(inField("model-reference")).not.toBeNull();
  });

  it("says what model_map refused, by code, in place, and inspects nothing then", async () => {
    await show();
    paste("600423083519508503");
    mocked.modelMap.mockRejectedValueOnce({ code: "notFound", message: "no model 1" });
    await confirm();
    let error = inField("model-map-error")!;
    expect(error.dataset.code).toBe("notFound");
    expect(error.textContent?.trim()).toBe("Unknown model: Tensor.Art has no model with this id.");

    const misfit =
      "model 648628718430054626 (Paper Cut) is a LORA, which does not fit a checkpoint input";
    mocked.modelMap.mockRejectedValueOnce({ code: "invalidInput", message: misfit });
    await confirm();
    error = inField("model-map-error")!;
    expect(error.dataset.code).toBe("invalidInput");
    expect(error.textContent?.trim()).toBe(misfit);

    mocked.modelMap.mockRejectedValueOnce({ code: "network", message: "offline" });
    await confirm();
    expect(inField("model-map-error")?.textContent?.trim()).toBe("Could not map it: offline");
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(1);
    // The box still holds the reference, the picker is still open; typing clears the error.
    expect(inField<HTMLInputElement>("model-reference")!.value).toBe("600423083519508503");
    paste("664602165660323756");
    expect(inField("model-map-error")).toBeNull();
  });

  it("sends text that names no model to model_map as it is, and shows its message", async () => {
    await show();
    paste("hello");
    await settle();
    expect(container().textContent).toContain("Not a Tensor.Art model page URL or id");
    expect(mocked.modelInfo).not.toHaveBeenCalled();
    mocked.modelMap.mockRejectedValueOnce({
      code: "invalidInput",
      message: "“hello” is not a model id or model page URL",
    });
    await confirm();
    expect(mocked.modelMap).toHaveBeenCalledWith(FILE, "hello", "checkpoint");
    expect(inField("model-map-error")?.textContent).toContain("is not a model id");
  });

  it("looks a typed id up once typing pauses, not for every digit", async () => {
    vi.useFakeTimers();
    await show();
    type("757279507095956705");
    expect(mocked.modelInfo).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(400);
    await settle();
    expect(mocked.modelInfo).toHaveBeenCalledTimes(1);
    expect(mocked.modelInfo).toHaveBeenCalledWith("757279507095956705");
    expect(inField("model-preview-name")?.textContent).toBe("Demo realistic checkpoint");
  });

  it("says Unknown model when the lookup finds none, and still lets Confirm ask", async () => {
    mocked.modelInfo.mockRejectedValue({ code: "notFound", message: "no such model" });
    await show();
    paste("123456789");
    await settle();
    expect(inField("model-preview-name")?.textContent).toBe("Unknown model");
    expect(inField<HTMLButtonElement>("model-map-confirm")!.disabled).toBe(false);
  });

  it("shows a mapping to a model of the wrong type as an error, with the picker open", async () => {
    const lora = mapping(FILE, { modelId: "648628718430054626", modelType: "LORA" });
    lora.info = { ...lora.info!, name: "Paper Cut" };
    mocked.inspectWorkflow.mockResolvedValue(
      inspection({
        models: [modelUse("4", "ckpt_name", FILE, { mapping: lora, misfit: true })],
        readiness: readiness({ ready: false, unmapped: 1 }),
      }),
    );
    await show();
    expect(inField("model-misfit")).not.toBeNull();
    expect(inField("model-mapped")).toBeNull();
    expect(container().querySelector('[role="alert"]')?.textContent).toContain(
      "Mapped to Paper Cut (648628718430054626), a LORA model, which does not fit a checkpoint input",
    );
    expect(inField("model-reference")).not.toBeNull();
  });

  it("waits for the first inspection before saying whether a file is mapped", async () => {
    await show(FILE, false);
    expect(container().textContent).toContain("Checking its mapping");
    expect(inField("model-unmapped")).toBeNull();
    expect(inField("model-reference")).toBeNull();
    await form.refresh(doc);
    await settle();
    expect(inField("model-unmapped")).not.toBeNull();
  });

  it("keeps the id field for a value that already is an id", async () => {
    mocked.inspectWorkflow.mockResolvedValue(
      inspection({ models: [modelUse("4", "ckpt_name", "600423083519508503")] }),
    );
    await show("600423083519508503");
    expect(inField("model-reference")).toBeNull();
    expect(inField<HTMLInputElement>("field-4-ckpt_name")?.value).toBe("600423083519508503");
    expect(inField("model-name-4-ckpt_name")?.textContent).toBe("Demo realistic checkpoint");
  });

  it("keeps text typed into the id box there, even when it is no id", async () => {
    mocked.inspectWorkflow.mockResolvedValue(
      inspection({ models: [modelUse("4", "ckpt_name", "600423083519508503")] }),
    );
    const onchange = await show("600423083519508503");
    const box = inField<HTMLInputElement>("field-4-ckpt_name")!;
    box.value = "my-model";
    box.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(onchange).toHaveBeenCalledWith("my-model");
    await settle();
    expect(inField("field-4-ckpt_name")).toBe(box);
    expect(inField("model-reference")).toBeNull();
  });
});
