// The sweep editor as a person uses it: the toggle, the target list, values parsed a moment
// after typing with the error beside its axis, axes added and removed, the summary with the
// quote, and Run sweep enabled only when every axis parses and the document can run.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Axis } from "../bindings/Axis";
import type { FormField } from "../bindings/FormField";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { FormState } from "../generate/form/state.svelte";
import * as sweepHost from "../host/sweep";
import { SweepEditorState } from "./editor.svelte";
import SweepEditor from "./SweepEditor.svelte";
import { formField } from "../testing/formField";

vi.mock("../host", () => ({ inspectWorkflow: vi.fn() }));
vi.mock("../host/sweep", () => ({ sweepAxis: vi.fn(), sweepQuote: vi.fn(), sweepGrid: vi.fn() }));
const host = vi.mocked(sweepHost);

const doc: WorkflowDoc = { name: "w", nodes: [], editor: null };

function field(input: string, kind: FormField["kind"]): FormField {
  return formField({ input, kind, value: 7 });
}

/** The mocked backend: a comma list labelled as typed; anything with "x" in it is refused. */
function parse(target: string, values: string): Axis {
  if (values.includes("x")) throw { code: "invalidInput", message: `${values} is not a number` };
  const terms = values.split(",").map((v) => v.trim());
  const [nodeId, input] = target.split(".");
  return {
    target: { kind: "input", nodeId, input },
    values: terms.map((label) => ({ label, value: Number(label) })),
  };
}

let view: ReturnType<typeof mount> | null = null;
let editor: SweepEditorState;
const onrun = vi.fn();

beforeEach(() => {
  vi.useFakeTimers();
  host.sweepAxis.mockImplementation(async (_doc, target, values) => parse(target, values));
  host.sweepQuote.mockResolvedValue({ each: 2.4, runs: 4, total: 9.6 });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  editor.dispose();
  document.body.innerHTML = "";
  vi.useRealTimers();
});

function show(canRun = true) {
  const form = new FormState();
  form.fields = [field("cfg", "number"), field("steps", "integer"), field("image", "image")];
  editor = new SweepEditorState(() => doc, form);
  view = mount(SweepEditor, { target: document.body, props: { editor, canRun, onrun } });
  flushSync();
}

const find = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid=${id}]`);

function click(id: string) {
  find(id)?.click();
  flushSync();
}

function type(id: string, text: string) {
  const input = find<HTMLInputElement>(id)!;
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function choose(id: string, value: string) {
  const select = find<HTMLSelectElement>(id)!;
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

/** The debounce passes and every answer arrives. */
async function settle() {
  await vi.advanceTimersByTimeAsync(250);
  flushSync();
}

describe("SweepEditor", () => {
  it("opens behind its toggle with an X axis over the form's fields, the seed and S/R", () => {
    show();
    expect(find("sweep-editor")).toBeNull();
    click("sweep-toggle");
    expect(find("sweep-toggle")?.getAttribute("aria-expanded")).toBe("true");
    expect(find("sweep-editor")).not.toBeNull();
    const select = find<HTMLSelectElement>("sweep-axis-x-target")!;
    expect([...select.options].map((o) => o.textContent?.trim())).toEqual([
      "KSampler #3 · Cfg",
      "KSampler #3 · Steps",
      "Seed (every seed input)",
      "Prompt search & replace",
    ]);
    expect(select.value).toBe("3.cfg");
    expect(find<HTMLInputElement>("sweep-axis-x-values")?.placeholder).toBe(
      "4, 6, 8 or 20-40 step 5",
    );
    expect(find("sweep-summary")?.textContent?.trim()).toBe("Type the values of every axis.");
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(true);
    click("sweep-toggle");
    expect(find("sweep-editor")).toBeNull();
  });

  it("parses the values after a pause, prices the sweep and runs it", async () => {
    show();
    click("sweep-toggle");
    type("sweep-axis-x-values", "4, 6");
    expect(host.sweepAxis).not.toHaveBeenCalled();
    click("sweep-add-axis");
    type("sweep-axis-y-values", "20, 30");
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "3.cfg", "4, 6");
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "3.steps", "20, 30");
    expect(find("sweep-axis-x-preview")?.textContent).toContain("2 values");
    expect(find("sweep-axis-x-preview")?.textContent).toContain("4 · 6");
    expect(find("sweep-summary")?.textContent?.trim()).toBe("2 × 2 = 4 runs · 9.6 credits");
    const run = find<HTMLButtonElement>("sweep-run")!;
    expect(run.disabled).toBe(false);
    click("sweep-run");
    expect(onrun).toHaveBeenCalledTimes(1);
    const [sweep, quote] = onrun.mock.calls[0];
    expect(sweep.axes.map((a: Axis) => a.values.length)).toEqual([2, 2]);
    expect(quote).toEqual({ each: 2.4, runs: 4, total: 9.6 });
  });

  it("shows a refused axis's message beside it and keeps Run off", async () => {
    show();
    click("sweep-toggle");
    type("sweep-axis-x-values", "4, 6");
    click("sweep-add-axis");
    type("sweep-axis-y-values", "2x");
    await settle();
    expect(find("sweep-axis-x-error")).toBeNull();
    expect(find("sweep-axis-y-error")?.textContent?.trim()).toBe("2x is not a number");
    expect(find("sweep-axis-y")?.dataset.status).toBe("invalid");
    expect(find("sweep-axis-y-values")?.getAttribute("aria-invalid")).toBe("true");
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(true);
    expect(host.sweepQuote).not.toHaveBeenCalled();
    type("sweep-axis-y-values", "20");
    await settle();
    expect(find("sweep-axis-y-error")).toBeNull();
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(false);
  });

  it("adds Y then Z, no more, and removing an axis moves the next one up", () => {
    show();
    click("sweep-toggle");
    expect(find("sweep-add-axis")?.textContent).toContain("Add a Y axis");
    click("sweep-add-axis");
    expect(find("sweep-add-axis")?.textContent).toContain("Add a Z axis");
    click("sweep-add-axis");
    expect(find("sweep-add-axis")).toBeNull();
    expect(find<HTMLSelectElement>("sweep-axis-z-target")?.value).toBe("seed");
    click("sweep-axis-y-remove");
    expect(find("sweep-axis-z")).toBeNull();
    expect(find<HTMLSelectElement>("sweep-axis-y-target")?.value).toBe("seed");
    expect(find("sweep-add-axis")?.textContent).toContain("Add a Z axis");
  });

  it("sends a prompt search-and-replace with its S/R prefix", async () => {
    show();
    click("sweep-toggle");
    choose("sweep-axis-x-target", "replace");
    expect(find<HTMLInputElement>("sweep-axis-x-values")?.placeholder).toContain(
      "the first is the word replaced",
    );
    type("sweep-axis-x-values", "cat, dog");
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "", "S/R: cat, dog");
  });

  it("says when the cost is unknown and still lets the sweep run", async () => {
    host.sweepQuote.mockRejectedValue({ code: "network", message: "offline" });
    show();
    click("sweep-toggle");
    type("sweep-axis-x-values", "4, 6, 8");
    await settle();
    const summary = find("sweep-summary")!;
    expect(summary.textContent?.trim()).toBe("3 = 3 runs · cost unknown");
    expect(summary.title).toContain("offline");
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(false);
    click("sweep-run");
    expect(onrun.mock.calls[0][1]).toBeNull();
  });

  it("shows the quote's refusal and keeps Run off", async () => {
    host.sweepQuote.mockRejectedValue({
      code: "invalidInput",
      message: "the sweep makes 600 runs; one batch holds at most 500",
    });
    show();
    click("sweep-toggle");
    type("sweep-axis-x-values", "4, 6");
    await settle();
    expect(find("sweep-quote-error")?.textContent).toContain("600 runs");
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(true);
  });

  it("keeps Run off while the document cannot run", async () => {
    show(false);
    click("sweep-toggle");
    type("sweep-axis-x-values", "4, 6");
    await settle();
    expect(find("sweep-summary")?.textContent).toContain("9.6 credits");
    expect(find<HTMLButtonElement>("sweep-run")?.disabled).toBe(true);
  });
});
