import { describe, expect, it } from "vitest";
import type { FormField } from "../../bindings/FormField";
import { Exposed, pinOf, toExposed } from "./exposed.svelte";
import { formField } from "../../testing/formField";

const field = (nodeId: string, nodeTitle: string, input: string, value: unknown): FormField =>
  formField({
    nodeId,
    nodeTitle,
    classType: nodeTitle === "KSampler" ? "KSampler" : "CLIPTextEncode",
    input,
    kind: "text",
    value,
  });

const seed = field("3", "KSampler", "seed", 1);
const prompt = field("6", "Positive", "text", "a fox");

describe("Exposed", () => {
  it("pins in order, unpins, and replaces the list", () => {
    const exposed = new Exposed();
    exposed.toggle(prompt);
    exposed.toggle(seed);
    expect(exposed.list.map((f) => f.label)).toEqual(["Positive · Text", "KSampler · Seed"]);
    expect(exposed.isPinned("3", "seed")).toBe(true);
    expect(exposed.isPinned("3", "text")).toBe(false);
    exposed.toggle(prompt);
    expect(exposed.list.map((f) => f.fieldName)).toEqual(["seed"]);
    exposed.unpin("3", "seed");
    expect(exposed.list).toEqual([]);
    const saved = [pinOf(seed)];
    exposed.setAll(saved);
    expect(exposed.list).toEqual(saved);
    expect(exposed.list).not.toBe(saved);
  });

  it("stores a pin in the favourites' shape", () => {
    expect(pinOf(seed)).toEqual({
      nodeId: "3",
      fieldName: "seed",
      fieldValue: 1,
      nodeName: "KSampler",
      label: "KSampler · Seed",
    });
  });
});

describe("toExposed", () => {
  it("fills each pin with the input's current value, keeping pins of missing inputs", () => {
    const pins = [pinOf(seed), pinOf(prompt), { ...pinOf(seed), nodeId: "99" }];
    const now: Record<string, unknown> = { "3/seed": 42, "6/text": "a red fox" };
    const out = toExposed(pins, (nodeId, name) => now[`${nodeId}/${name}`]);
    expect(out.map((f) => f.fieldValue)).toEqual([42, "a red fox", 1]);
    expect(out[0]).toEqual({ ...pins[0], fieldValue: 42 });
    expect(pins[0].fieldValue).toBe(1);
  });
});
