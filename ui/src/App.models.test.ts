// A workflow naming a model file, in the whole window: the toolbar says it needs a mapping and Run
// is disabled with the reason; mapping the file in the form inspects again, the badge turns
// ready and Run sends the document as it was opened (the engine swaps in the id).
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { FormField } from "./lib/bindings/FormField";
import * as host from "./lib/host";
import { settleWindow } from "./lib/testing/settle";
import { inspection, mapping, modelUse, readiness } from "./lib/testing/inspection";
import { openedDoc, referenceDoc } from "./lib/testing/reference";
import { demoBackend } from "./lib/testing/hostMock";
import { formField } from "./lib/testing/formField";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());

const mocked = vi.mocked(host);
const FILE = "v1-5-pruned-emaonly.safetensors";
let app: ReturnType<typeof mount> | null = null;

const ckpt: FormField = formField({
  nodeId: "4",
  nodeTitle: "Load Checkpoint",
  classType: "CheckpointLoaderSimple",
  input: "ckpt_name",
  kind: "model",
  value: FILE,
  modelType: "checkpoint",
});

/** The reference workflow with its checkpoint named by file. */
function withFile() {
  const doc = referenceDoc();
  const input = doc.nodes.find((n) => n.id === "4")!.inputs[0];
  if (input.kind === "value") input.value = FILE;
  return doc;
}

const unmapped = () =>
  inspection({
    fields: [ckpt],
    models: [modelUse("4", "ckpt_name", FILE)],
    readiness: readiness({ ready: false, unmapped: 1 }),
    credits: null,
  });
const mapped = () =>
  inspection({
    fields: [ckpt],
    models: [modelUse("4", "ckpt_name", FILE, { mapping: mapping(FILE) })],
  });

beforeEach(() => {
  mocked.onJobEvent.mockImplementation(async () => () => {});
  mocked.onFileDrop.mockResolvedValue(() => {});
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc(withFile()));
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.inspectWorkflow.mockResolvedValue(unmapped());
  mocked.runWorkflow.mockResolvedValue(["run-1"]);
  mocked.modelInfo.mockImplementation(async (id) => ({
    id,
    name: "Demo realistic checkpoint",
    modelType: "CHECKPOINT",
    baseModel: "SD 1.5",
    hasPreview: false,
  }));
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
});

const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  root.querySelector<T>(`[data-testid="${id}"]`);

describe("a workflow naming a model file", () => {
  it("is blocked until the file is mapped in the form, then runs as opened", async () => {
    app = mount(App, { target: document.body });
    await settleWindow();
    const status = byTestId("model-status")!;
    expect(status.dataset.state).toBe("unmapped");
    expect(status.textContent?.trim()).toBe("1 model to map");
    const run = byTestId<HTMLButtonElement>("run")!;
    expect(run.disabled).toBe(true);
    expect(byTestId("run-blocked-reason")?.textContent).toBe(
      "Map 1 model file to a Tensor.Art model first.",
    );
    // The shortcut is refused too.
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true }));
    await settleWindow();
    expect(mocked.runWorkflow).not.toHaveBeenCalled();

    const field = byTestId("model-field-4-ckpt_name")!;
    expect(byTestId("model-unmapped", field)).not.toBeNull();
    const box = byTestId<HTMLInputElement>("model-reference", field)!;
    box.value = "https://tensor.art/models/600423083519508503";
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
    await settleWindow();
    expect(byTestId("model-preview-name", field)?.textContent).toBe("Demo realistic checkpoint");

    mocked.modelMap.mockResolvedValue(mapping(FILE));
    mocked.inspectWorkflow.mockResolvedValue(mapped());
    const before = mocked.inspectWorkflow.mock.calls.length;
    byTestId("model-map-confirm", field)!.click();
    await settleWindow();
    expect(mocked.modelMap).toHaveBeenCalledWith(
      FILE,
      "https://tensor.art/models/600423083519508503",
      "checkpoint",
    );
    expect(mocked.inspectWorkflow.mock.calls.length).toBe(before + 1);
    expect(byTestId("model-mapped", field)?.textContent).toContain("600423083519508503");
    expect(byTestId("model-status")?.dataset.state).toBe("ready");
    expect(byTestId("model-status")?.textContent?.trim()).toBe("Runs as is");
    expect(byTestId("run-blocked-reason")).toBeNull();
    expect(run.disabled).toBe(false);

    run.click();
    await settleWindow();
    const sent = mocked.runWorkflow.mock.calls[0][0];
    expect(sent.nodes.find((n) => n.id === "4")!.inputs[0]).toMatchObject({ value: FILE });
  });
});
