// Pins and the simple view, in the whole form and in a node's panel.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FormField } from "../../bindings/FormField";
import type { NodeDoc } from "../../bindings/NodeDoc";
import { FormState } from "./state.svelte";
import { setLocale } from "../../i18n/index.svelte";
import ParamsPanel from "../ParamsPanel.svelte";
import FormOverview from "./FormOverview.svelte";
import { formField } from "../../testing/formField";

vi.mock("../../host", () => ({
  inspectWorkflow: vi.fn(),
}));

const field = (
  nodeId: string,
  nodeTitle: string,
  input: string,
  kind: FormField["kind"],
): FormField =>
  formField({ nodeId, nodeTitle, classType: nodeTitle, input, kind, multiline: kind === "prompt" });

const FIELDS = [
  field("3", "KSampler", "seed", "seed"),
  field("3", "KSampler", "steps", "integer"),
  field("6", "Positive", "text", "prompt"),
];

let view: ReturnType<typeof mount> | null = null;
let form: FormState;
const values = $state<Record<string, unknown>>({});
const onchange = vi.fn((nodeId: string, name: string, value: unknown) => {
  values[`${nodeId}/${name}`] = value;
});

beforeEach(() => {
  form = new FormState();
  form.fields = FIELDS;
  Object.assign(values, { "3/seed": 12345, "3/steps": 26, "6/text": "a fox" });
});

afterEach(() => {
  setLocale("en");
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

function showForm() {
  view = mount(FormOverview, {
    target: document.body,
    props: {
      form,
      valueOf: (nodeId: string, name: string) => values[`${nodeId}/${name}`],
      isModified: () => false,
      onchange,
      onreset: () => {},
      onselect: () => {},
    },
  });
  flushSync();
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const labels = () => [...document.querySelectorAll("label[for]")].map((l) => l.textContent?.trim());

function click(id: string) {
  byTestId(id)!.click();
  flushSync();
}

describe("pins and the simple view", () => {
  it("pins fields of the whole form with a pressed toggle", () => {
    showForm();
    const pin = byTestId("pin-6-text")!;
    expect(pin.getAttribute("aria-pressed")).toBe("false");
    click("pin-6-text");
    click("pin-3-seed");
    expect(pin.getAttribute("aria-pressed")).toBe("true");
    expect(byTestId("pin-3-steps")?.getAttribute("aria-pressed")).toBe("false");
    expect(form.exposed.list.map((f) => [f.nodeId, f.fieldName])).toEqual([
      ["6", "text"],
      ["3", "seed"],
    ]);
  });

  it("shows only the pinned fields in pin order, named by node and input", () => {
    showForm();
    click("pin-6-text");
    click("pin-3-seed");
    click("simple-view");
    expect(form.exposed.simple).toBe(true);
    expect(labels()).toEqual(["Positive · Text", "KSampler · Seed"]);
    expect(byTestId("field-3-steps")).toBeNull();
    const text = byTestId<HTMLTextAreaElement>("field-6-text")!;
    text.value = "a red fox";
    text.dispatchEvent(new Event("input", { bubbles: true }));
    expect(onchange).toHaveBeenCalledWith("6", "text", "a red fox");
    click("simple-view");
    expect(byTestId("field-3-steps")).not.toBeNull();
  });

  it("explains how to pin when nothing is, and unpins from the simple view", () => {
    showForm();
    click("simple-view");
    expect(byTestId("simple-empty")?.textContent).toContain("press the pin");
    click("simple-view");
    click("pin-3-seed");
    click("simple-view");
    expect(byTestId("simple-empty")).toBeNull();
    click("pin-3-seed");
    expect(byTestId("field-3-seed")).toBeNull();
    expect(byTestId("simple-empty")).not.toBeNull();
  });

  it("lists a restored pin the workflow lacks, so it can be unpinned", () => {
    form.exposed.setAll([
      { nodeId: "99", fieldName: "denoise", fieldValue: 0.5, nodeName: "KSampler", label: null },
    ]);
    form.exposed.simple = true;
    showForm();
    expect(byTestId("missing-99-denoise")?.textContent).toContain("Not in this workflow");
    click("pin-99-denoise");
    expect(form.exposed.list).toEqual([]);
  });

  it("speaks the chosen language", () => {
    setLocale("zh-CN");
    showForm();
    expect(document.querySelector("h2")?.textContent).toBe("参数");
    expect(byTestId("pin-3-seed")?.getAttribute("aria-label")).toBe("固定到简洁视图");
  });

  it("forgets the pins when another workflow opens", () => {
    form.exposed.toggle(FIELDS[0]);
    form.reset();
    expect(form.exposed.list).toEqual([]);
  });
});

describe("a node's panel", () => {
  it("pins the node's fields too", () => {
    const node: NodeDoc = {
      id: "3",
      classType: "KSampler",
      title: null,
      inputs: [
        { kind: "value", name: "seed", value: 12345 },
        { kind: "value", name: "steps", value: 26 },
        { kind: "link", name: "model", node: "4", output: 0 },
      ],
      extra: {},
    };
    view = mount(ParamsPanel, {
      target: document.body,
      props: {
        node,
        run: null,
        form,
        valueOf: () => undefined,
        titleOf: () => "Load Checkpoint",
        isModified: () => false,
        onchange: () => {},
        onreset: () => {},
        onselect: () => {},
      },
    });
    flushSync();
    click("pin-3-steps");
    expect(byTestId("pin-3-steps")?.getAttribute("aria-pressed")).toBe("true");
    expect(form.exposed.isPinned("3", "steps")).toBe(true);
    expect(byTestId("link-model")?.textContent).toContain("← node 4 output 0");
  });
});
