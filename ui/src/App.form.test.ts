// The generated form, problems, batches, the queue, cancel, and opening by drop and paste.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { FormField } from "./lib/bindings/FormField";
import type { Inspection } from "./lib/bindings/Inspection";
import type { JobChange } from "./lib/bindings/JobChange";
import type { JobEvent } from "./lib/bindings/JobEvent";
import type { Problem } from "./lib/bindings/Problem";
import * as host from "./lib/host";
import { stubFrames, type Frames } from "./lib/testing/frames";
import { channelOf, demoBackend } from "./lib/testing/hostMock";
import { settleWindow } from "./lib/testing/settle";
import { inspection } from "./lib/testing/inspection";
import { referenceDoc, openedDoc } from "./lib/testing/reference";
import { formField } from "./lib/testing/formField";

vi.mock("./lib/host", async () => (await import("./lib/testing/hostMock")).hostMock());
vi.mock("./lib/host/settings", async () => (await import("./lib/testing/hostMock")).settingsMock());

const mocked = vi.mocked(host);
let emit: (event: JobEvent) => void;
let drops: Parameters<typeof host.onFileDrop>[0];
let app: ReturnType<typeof mount> | null = null;
let frames: Frames;

function field(
  nodeId: string,
  input: string,
  kind: FormField["kind"],
  more: Partial<FormField> = {},
): FormField {
  return formField({
    nodeId,
    nodeTitle: nodeId === "3" ? "KSampler" : `Node ${nodeId}`,
    input,
    kind,
    ...more,
  });
}

const FIELDS: FormField[] = [
  field("3", "seed", "seed", { min: 0, max: 2 ** 64 - 1 }),
  field("3", "steps", "integer", { min: 1, max: 10000, step: 1 }),
  field("3", "cfg", "number", { min: 0, max: 100, step: 0.5 }),
  field("3", "sampler_name", "combo", {
    options: ["euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde"],
  }),
  field("3", "denoise", "number", { min: 0, max: 1, step: 0.01 }),
  field("6", "text", "prompt", { multiline: true }),
  field("10", "lora_name", "model", { modelType: "lora" }),
  field("16", "crop", "combo", { options: ["disabled", "center"] }),
];

const problem = (nodeId: string | null, input: string | null, message: string): Problem => ({
  severity: "error",
  code: "outOfRange",
  nodeId,
  nodeTitle: null,
  classType: null,
  input,
  message,
});

/** What the mocked backend answers about the edited graph from now on. */
function inspect(answer: Partial<Inspection>) {
  mocked.inspectWorkflow.mockResolvedValue(inspection({ fields: FIELDS, credits: 1.2, ...answer }));
}

beforeEach(() => {
  frames = stubFrames();
  mocked.onJobEvent.mockImplementation(async (handler) => {
    emit = handler;
    return () => {};
  });
  mocked.onFileDrop.mockImplementation(async (handlers) => {
    drops = handlers;
    return () => {};
  });
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.runWorkflow.mockResolvedValue(["run-1"]);
  inspect({});
  mocked.cancelRun.mockResolvedValue(true);
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function open() {
  app = mount(App, { target: document.body });
  await settleWindow();
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const all = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function valueIn(
  doc: { nodes: { id: string; inputs: { name: string }[] }[] },
  id: string,
  name: string,
) {
  return doc.nodes.find((n) => n.id === id)!.inputs.find((i) => i.name === name) as {
    value?: unknown;
  };
}

function send(change: JobChange, runId = "run-1") {
  // Runs this window starts report on their call's channel, not the global listener.
  channelOf(mocked.runWorkflow)({ runId, change });
  // Events apply at the next frame.
  frames.next();
  flushSync();
}

describe("generated form", () => {
  it("shows every field when no node is selected, grouped by node", async () => {
    await open();
    expect(byTestId("form")).not.toBeNull();
    expect(byTestId<HTMLInputElement>("field-3-steps")?.value).toBe("26");
    expect(byTestId("slider-3-steps")).not.toBeNull();
    expect(byTestId("slider-3-seed")).toBeNull();
    expect(byTestId<HTMLInputElement>("field-10-lora_name")?.value).toBe("648628718430054626");
    byTestId("field-3-sampler_name")!
      .closest("section")!
      .querySelector<HTMLButtonElement>("button.node")!
      .click();
    flushSync();
    expect(byTestId("node-3")?.getAttribute("aria-pressed")).toBe("true");
  });

  it("edits numbers with slider and box, rounding integers", async () => {
    await open();
    byTestId("node-3")!.click();
    flushSync();
    const steps = byTestId<HTMLInputElement>("field-steps")!;
    type(steps, "31.6");
    const slider = byTestId<HTMLInputElement>("slider-cfg")!;
    expect(slider.min).toBe("0");
    expect(slider.max).toBe("100");
    type(slider, "12.5");
    expect(byTestId<HTMLInputElement>("field-cfg")!.value).toBe("12.5");
    byTestId("run")!.click();
    await settleWindow();
    const sent = mocked.runWorkflow.mock.calls[0][0];
    expect(valueIn(sent, "3", "steps").value).toBe(32);
    expect(valueIn(sent, "3", "cfg").value).toBe(12.5);
  });

  it("rolls the dice and sends seed modes with the batch count", async () => {
    mocked.runWorkflow.mockResolvedValue(["a", "b", "c"]);
    await open();
    byTestId("node-3")!.click();
    flushSync();
    const seed = byTestId<HTMLInputElement>("field-seed")!;
    expect(seed.value).toBe("12345");
    byTestId("dice-seed")!.click();
    flushSync();
    const rolled = Number(seed.value);
    expect(Number.isInteger(rolled) && rolled >= 0 && rolled <= 2 ** 32 - 1).toBe(true);
    const mode = byTestId<HTMLSelectElement>("seed-mode-seed")!;
    mode.value = "randomize";
    mode.dispatchEvent(new Event("change", { bubbles: true }));
    const count = byTestId<HTMLInputElement>("batch-count")!;
    count.value = "3";
    count.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
    expect(byTestId("estimate")?.textContent?.trim()).toBe("≈ 3.6 credits");
    byTestId("run")!.click();
    await settleWindow();
    const [doc, options] = mocked.runWorkflow.mock.calls[0];
    expect(valueIn(doc, "3", "seed").value).toBe(rolled);
    expect(options).toEqual({
      count: 3,
      seeds: [{ nodeId: "3", input: "seed", mode: "randomize" }],
      wildcards: "seeded",
    });
    expect(all("queue-item")).toHaveLength(3);
  });

  it("searches a combo and picks an option", async () => {
    await open();
    byTestId("node-3")!.click();
    flushSync();
    byTestId("field-sampler_name")!.click();
    await settleWindow();
    const search = byTestId<HTMLInputElement>("combo-search-sampler_name")!;
    type(search, "2m sde");
    const options = all("combo-option");
    expect(options.map((o) => o.textContent)).toEqual(["dpmpp_2m_sde"]);
    search.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    flushSync();
    expect(byTestId("field-sampler_name")?.textContent).toContain("dpmpp_2m_sde");
    expect(byTestId("combo-search-sampler_name")).toBeNull();
  });

  it("highlights prompt weights", async () => {
    await open();
    byTestId("node-6")!.click();
    flushSync();
    const text = byTestId<HTMLTextAreaElement>("field-text")!;
    expect(text.tagName).toBe("TEXTAREA");
    type(text, "a (red fox:1.3) in (fog:0.7)");
    const marks = [...byTestId("weights-text")!.querySelectorAll("mark")];
    expect(marks.map((m) => [m.textContent, m.className.split(" ")[0], m.dataset.weight])).toEqual([
      ["red fox", "up", "1.3"],
      ["fog", "down", "0.7"],
    ]);
  });

  it("shows problems next to their input and as badges on cards, refreshed after edits", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    inspect({
      problems: [
        problem("3", "steps", "steps must be at most 10000"),
        problem("3", null, "KSampler needs a model"),
        problem(null, null, "no output node"),
      ],
    });
    await open();
    expect(byTestId("problem-3-steps")?.textContent).toContain("steps must be at most 10000");
    expect(byTestId("problem-workflow")?.textContent).toContain("no output node");
    expect(byTestId("errors-3")?.textContent).toBe("2");
    expect(byTestId("node-3")?.dataset.errors).toBe("2");
    byTestId("node-3")!.click();
    flushSync();
    expect(byTestId("problem-3-steps")?.textContent).toContain("at most");
    expect(byTestId("problem-3")?.textContent).toContain("needs a model");

    inspect({ credits: 2 });
    type(byTestId<HTMLInputElement>("field-steps")!, "30");
    expect(byTestId("problem-3-steps")).not.toBeNull();
    await vi.advanceTimersByTimeAsync(400);
    await settleWindow();
    expect(byTestId("problem-3-steps")).toBeNull();
    expect(byTestId("errors-3")).toBeNull();
    expect(byTestId("estimate")?.textContent?.trim()).toBe("≈ 2 credits");
  });
});

describe("batches and the queue", () => {
  it("lists every run, follows the active one, and cancels them", async () => {
    mocked.runWorkflow.mockResolvedValue(["a", "b"]);
    await open();
    expect(byTestId("cancel")).toBeNull();
    byTestId("run")!.click();
    await settleWindow();
    expect(all("queue-item").map((i) => i.dataset.state)).toEqual(["queued", "queued"]);
    send({ kind: "node", nodeId: "3", status: "running", progress: 0.5, overall: 0.5 }, "a");
    send({ kind: "waiting", queueRank: 1, queueLen: 1 }, "b");
    expect(byTestId("node-3")?.dataset.state).toBe("running");
    // Newest first.
    expect(all("queue-item").map((i) => `${i.dataset.runId}:${i.dataset.state}`)).toEqual([
      "b:waiting",
      "a:running",
    ]);
    byTestId("cancel")!.click();
    await settleWindow();
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"]]);
    send({ kind: "canceled" }, "a");
    expect(byTestId("run-status")?.textContent).toBe("In queue: position 1 of 1");
    all("queue-cancel")[0].click();
    await settleWindow();
    expect(mocked.cancelRun).toHaveBeenLastCalledWith("b");
    send({ kind: "canceled" }, "b");
    expect(all("queue-item").map((i) => i.dataset.state)).toEqual(["canceled", "canceled"]);
    expect(byTestId("run-status")?.textContent).toBe("Canceled");
    expect(byTestId("cancel")).toBeNull();
    expect(byTestId<HTMLButtonElement>("run")!.disabled).toBe(false);
  });

  it("shows runs from the channel before the ids, and cancels a batch still starting", async () => {
    let resolve!: (ids: string[]) => void;
    mocked.runWorkflow.mockReturnValue(new Promise((r) => (resolve = r)));
    await open();
    byTestId("run")!.click();
    await settleWindow();
    // Starting: no runs known yet, nothing to list, but Cancel is offered.
    expect(all("queue-item")).toEqual([]);
    expect(byTestId("cancel")).not.toBeNull();
    send({ kind: "queued", nodes: ["3", "9"] }, "a");
    send({ kind: "node", nodeId: "3", status: "running", progress: 0.5, overall: 0.5 }, "a");
    expect(all("queue-item").map((i) => `${i.dataset.runId}:${i.dataset.state}`)).toEqual([
      "a:running",
    ]);
    expect(byTestId("node-3")?.dataset.state).toBe("running");
    // A run resumed at launch reports on the global listener; this window did not start it.
    emit({ runId: "resumed", change: { kind: "queued", nodes: ["3"] } });
    frames.next();
    flushSync();
    expect(all("queue-item")).toHaveLength(1);
    byTestId("cancel")!.click();
    await settleWindow();
    expect(mocked.cancelRun.mock.calls).toEqual([["a"]]);
    send({ kind: "queued", nodes: ["3", "9"] }, "b");
    resolve(["a", "b", "c"]);
    await settleWindow();
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"], ["c"]]);
    expect(all("queue-item").map((i) => i.dataset.runId)).toEqual(["c", "b", "a"]);
  });
});

describe("opening", () => {
  const opened = {
    doc: { ...referenceDoc(), name: "dropped" },
    format: "comfyUi" as never,
    warnings: ["Dropped 2 note nodes"],
    fields: [],
  };

  it("opens a file dropped on the window and shows the import warnings", async () => {
    mocked.openWorkflowFile.mockResolvedValue(opened);
    await open();
    drops.hover?.(true);
    flushSync();
    expect(byTestId("drop-overlay")).not.toBeNull();
    drops.drop(["/home/me/dropped.png"], { x: 1, y: 1 });
    drops.hover?.(false);
    await settleWindow();
    expect(byTestId("drop-overlay")).toBeNull();
    expect(mocked.openWorkflowFile).toHaveBeenCalledWith("/home/me/dropped.png");
    expect(document.querySelector(".workflow")?.textContent?.trim()).toBe("dropped");
    expect(byTestId("import-warnings")?.textContent).toContain("Dropped 2 note nodes");
    byTestId("import-warnings")!.querySelector("button")!.click();
    flushSync();
    expect(byTestId("import-warnings")).toBeNull();
  });

  it("shows a located error in the banner", async () => {
    mocked.openWorkflowFile.mockRejectedValue({
      code: "invalidWorkflow",
      message: "/tmp/bad.json: node 7 (KSampler): input steps: expected a number",
    });
    await open();
    drops.drop(["/tmp/bad.json"], { x: 1, y: 1 });
    await settleWindow();
    expect(byTestId("error-banner")?.dataset.code).toBe("invalidWorkflow");
    expect(byTestId("error-banner")?.textContent).toContain("The workflow is not valid");
    expect(byTestId("error-message")?.textContent).toBe(
      "/tmp/bad.json: node 7 (KSampler): input steps: expected a number",
    );
    expect(document.querySelectorAll('[data-testid^="node-"]')).toHaveLength(11);
  });

  function paste(target: EventTarget, text: string) {
    const event = new Event("paste", { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(event, "clipboardData", { value: { getData: () => text } });
    target.dispatchEvent(event);
    return event;
  }

  it("imports JSON pasted outside text fields only", async () => {
    mocked.importWorkflowText.mockResolvedValue({
      ...opened,
      doc: { ...referenceDoc(), name: "Pasted workflow" },
    });
    await open();
    paste(byTestId<HTMLInputElement>("field-3-steps")!, '{"3": {}}');
    paste(document.body, "just words");
    await settleWindow();
    expect(mocked.importWorkflowText).not.toHaveBeenCalled();
    const event = paste(document.body, '{"3": {"class_type": "KSampler"}}');
    await settleWindow();
    expect(event.defaultPrevented).toBe(true);
    expect(mocked.importWorkflowText).toHaveBeenCalledWith(
      "Pasted workflow",
      '{"3": {"class_type": "KSampler"}}',
    );
    expect(document.querySelector(".workflow")?.textContent?.trim()).toBe("Pasted workflow");
  });
});
