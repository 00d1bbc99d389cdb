// The sweep editor's state: values parse a moment after the last key, each axis shows its own
// error, the quote is asked only once every axis parses, stale answers are dropped, and nothing
// is asked while the editor is closed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Axis } from "../bindings/Axis";
import type { FormField } from "../bindings/FormField";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import * as sweepHost from "../host/sweep";
import { SweepEditorState, type SweepForm } from "./editor.svelte";
import { REPLACE_TARGET, SEED_TARGET } from "./targets";
import { formField } from "../testing/formField";

vi.mock("../host/sweep", () => ({ sweepAxis: vi.fn(), sweepQuote: vi.fn(), sweepGrid: vi.fn() }));
const host = vi.mocked(sweepHost);

const doc: WorkflowDoc = { name: "w", nodes: [], editor: null };

function field(nodeId: string, input: string): FormField {
  return formField({ nodeId, input, kind: "number", value: 7 });
}

const seeds = [{ nodeId: "3", input: "seed", mode: "fixed" as const }];

function form(over: Partial<SweepForm> = {}): SweepForm {
  return {
    fields: [field("3", "cfg"), field("3", "steps")],
    count: 1,
    runs: 1,
    controls: () => seeds,
    wildcardOption: "seeded",
    ...over,
  };
}

/** What the mocked backend parses: a comma list, labelled as typed; "bad" is refused. */
function parse(target: string, values: string): Axis {
  if (values.includes("bad"))
    throw { code: "invalidInput", message: `${target}: bad is not a number` };
  const terms = values
    .replace(/^\s*s\/r:/i, "")
    .split(",")
    .map((v) => v.trim());
  const axisTarget: Axis["target"] =
    target === ""
      ? { kind: "replace", find: terms[0] }
      : target === "seed"
        ? { kind: "seed" }
        : { kind: "input", nodeId: target.split(".")[0], input: target.split(".")[1] };
  return { target: axisTarget, values: terms.map((t) => ({ label: t, value: t })) };
}

let editor: SweepEditorState;

beforeEach(() => {
  vi.useFakeTimers();
  host.sweepAxis.mockImplementation(async (_doc, target, values) => parse(target, values));
  host.sweepQuote.mockResolvedValue({ each: 2.4, runs: 4, total: 9.6 });
  editor = new SweepEditorState(() => doc, form());
});

afterEach(() => {
  editor.dispose();
  vi.useRealTimers();
});

/** Lets the debounce pass and every answer arrive. */
async function settle() {
  await vi.advanceTimersByTimeAsync(250);
}

describe("SweepEditorState", () => {
  it("opens with an X axis over the first field and closes", () => {
    editor.toggle();
    expect(editor.open).toBe(true);
    expect(editor.axes.map((a) => a.target)).toEqual(["3.cfg"]);
    expect(editor.axes[0].status).toBe("empty");
    editor.toggle();
    expect(editor.open).toBe(false);
    expect(editor.axes).toHaveLength(1);
  });

  it("parses a moment after the last key, with the latest values only", async () => {
    editor.toggle();
    editor.setValues(0, "4");
    await vi.advanceTimersByTimeAsync(100);
    editor.setValues(0, "4, 6");
    await vi.advanceTimersByTimeAsync(200);
    expect(host.sweepAxis).not.toHaveBeenCalled();
    expect(editor.axes[0].status).toBe("pending");
    await vi.advanceTimersByTimeAsync(50);
    expect(host.sweepAxis).toHaveBeenCalledTimes(1);
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "3.cfg", "4, 6");
    expect(editor.axes[0].status).toBe("parsed");
    expect(editor.axes[0].axis?.values.map((v) => v.label)).toEqual(["4", "6"]);
  });

  it("sends the seed as `seed` and a search-and-replace with its S/R prefix", async () => {
    editor.toggle();
    editor.setTarget(0, REPLACE_TARGET);
    editor.setValues(0, "cat, dog");
    editor.addAxis();
    editor.setTarget(1, SEED_TARGET);
    editor.setValues(1, "1, 2");
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "", "S/R: cat, dog");
    expect(host.sweepAxis).toHaveBeenCalledWith(doc, "seed", "1, 2");
    expect(editor.axes[0].axis?.target).toEqual({ kind: "replace", find: "cat" });
  });

  it("shows each axis's own error and asks no quote while one is refused", async () => {
    editor.toggle();
    editor.setValues(0, "4, 6");
    editor.addAxis();
    editor.setValues(1, "bad");
    await settle();
    const [x, y] = editor.axes;
    expect(y.target).toBe("3.steps");
    expect(x.status).toBe("parsed");
    expect(x.error).toBeNull();
    expect(y.status).toBe("invalid");
    expect(y.error).toEqual({ code: "invalidInput", message: "3.steps: bad is not a number" });
    expect(editor.parsed).toBe(false);
    expect(editor.runnable).toBe(false);
    expect(editor.sweep()).toBeNull();
    expect(host.sweepQuote).not.toHaveBeenCalled();
    expect(editor.summary).toBeNull();
  });

  it("asks the quote once every axis parses, priced as Run sends the batch", async () => {
    editor = new SweepEditorState(() => doc, form({ count: 2, runs: 2 }));
    editor.toggle();
    editor.setValues(0, "4, 6");
    editor.addAxis();
    await settle();
    // Y has no values yet: no quote.
    expect(host.sweepQuote).not.toHaveBeenCalled();
    editor.setValues(1, "20, 30");
    await settle();
    expect(host.sweepQuote).toHaveBeenCalledTimes(1);
    const [sentDoc, sweep, count, sentSeeds, wildcards] = host.sweepQuote.mock.calls[0];
    expect(sentDoc).toEqual(doc);
    expect(sweep.axes.map((a) => a.values.map((v) => v.label))).toEqual([
      ["4", "6"],
      ["20", "30"],
    ]);
    expect([count, sentSeeds, wildcards]).toEqual([2, seeds, "seeded"]);
    expect(editor.quote).toEqual({ kind: "ready", estimate: { each: 2.4, runs: 4, total: 9.6 } });
    expect(editor.runnable).toBe(true);
    expect(editor.summary?.text).toBe("2 × 2 = 4 runs · 9.6 credits");
  });

  it("says how many cells and runs when a cell runs more than once", async () => {
    host.sweepQuote.mockResolvedValue({ each: 1, runs: 6, total: 6 });
    editor = new SweepEditorState(() => doc, form({ count: 2, runs: 2 }));
    editor.toggle();
    editor.setValues(0, "4, 6, 8");
    await settle();
    expect(editor.summary?.text).toBe("3 = 3 cells · 6 runs · 6 credits");
  });

  it("drops an answer a newer edit overtook", async () => {
    let release!: () => void;
    host.sweepAxis.mockImplementationOnce(
      (_doc, target, values) =>
        new Promise((resolve) => (release = () => resolve(parse(target, values)))),
    );
    editor.toggle();
    editor.setValues(0, "1, 2, 3");
    await settle();
    editor.setValues(0, "4, 6");
    release();
    await vi.advanceTimersByTimeAsync(0);
    // The old answer (three values) came after the edit: still waiting for the new one.
    expect(editor.axes[0].status).toBe("pending");
    await settle();
    expect(editor.axes[0].axis?.values).toHaveLength(2);
    expect(host.sweepQuote).toHaveBeenCalledTimes(1);
  });

  it("leaves the price to the engine when the quote fails, refuses when it says the sweep cannot run", async () => {
    host.sweepQuote.mockRejectedValueOnce({ code: "network", message: "offline" });
    editor.toggle();
    editor.setValues(0, "4, 6");
    await settle();
    expect(editor.runnable).toBe(true);
    expect(editor.summary).toEqual({
      text: "2 = 2 runs · cost unknown",
      why: "The price could not be asked (offline); the engine checks it again before anything runs.",
    });
    host.sweepQuote.mockRejectedValueOnce({
      code: "invalidInput",
      message: 'S/R: "cat" appears in no text input',
    });
    editor.refresh();
    await settle();
    expect(editor.runnable).toBe(false);
    expect(editor.refusal?.message).toBe('S/R: "cat" appears in no text input');
    expect(editor.summary?.text).toBe("2 = 2 runs");
  });

  it("parses again when the form changes, and asks nothing while closed", async () => {
    editor.toggle();
    editor.setValues(0, "4, 6");
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledTimes(1);
    editor.refresh();
    expect(editor.axes[0].status).toBe("pending");
    expect(editor.runnable).toBe(false);
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledTimes(2);
    expect(host.sweepQuote).toHaveBeenCalledTimes(2);
    editor.toggle();
    editor.refresh();
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledTimes(2);
  });

  it("adds Y then Z over targets not yet varied, at most three, and moves axes up on removal", () => {
    editor.toggle();
    editor.addAxis();
    editor.addAxis();
    editor.addAxis();
    expect(editor.axes.map((a) => a.target)).toEqual(["3.cfg", "3.steps", SEED_TARGET]);
    expect(editor.axes.map((_, i) => editor.nameOf(i))).toEqual(["x", "y", "z"]);
    editor.removeAxis(0);
    expect(editor.axes.map((a) => a.target)).toEqual(["3.steps", SEED_TARGET]);
  });

  it("forgets an axis's values and error when its text is cleared", async () => {
    editor.toggle();
    editor.setValues(0, "bad");
    await settle();
    expect(editor.axes[0].error).not.toBeNull();
    editor.setValues(0, " ");
    expect(editor.axes[0]).toMatchObject({ status: "empty", error: null, axis: null });
    await settle();
    expect(host.sweepAxis).toHaveBeenCalledTimes(1);
  });
});
