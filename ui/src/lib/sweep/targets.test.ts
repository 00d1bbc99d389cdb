// What an axis can vary as the target <select> lists it, and what `sweepAxis` is sent.
import { describe, expect, it } from "vitest";
import type { FormField } from "../bindings/FormField";
import { formField } from "../testing/formField";
import {
  axisTitle,
  backendTarget,
  backendValues,
  REPLACE_TARGET,
  SEED_TARGET,
  targetOptions,
  valuesHint,
} from "./targets";

function field(
  nodeId: string,
  input: string,
  kind: FormField["kind"],
  nodeTitle: string,
): FormField {
  return formField({ nodeId, input, kind, nodeTitle, classType: nodeTitle, value: 0 });
}

const fields = [
  field("3", "cfg", "number", "KSampler"),
  field("3", "sampler_name", "combo", "KSampler"),
  field("11", "image", "image", "Load Image"),
];

describe("targets", () => {
  it("lists the form's fields by node and input, then the seed and S/R", () => {
    expect(targetOptions(fields).map((o) => [o.value, o.label])).toEqual([
      ["3.cfg", "KSampler #3 · Cfg"],
      ["3.sampler_name", "KSampler #3 · Sampler name"],
      [SEED_TARGET, "Seed (every seed input)"],
      [REPLACE_TARGET, "Prompt search & replace"],
    ]);
  });

  it("sends an input as NODE.INPUT, the seed as seed and S/R as an empty target", () => {
    expect(backendTarget("3.cfg")).toBe("3.cfg");
    expect(backendTarget(SEED_TARGET)).toBe("seed");
    expect(backendTarget(REPLACE_TARGET)).toBe("");
  });

  it("prefixes S/R values unless typed, and leaves other values as typed", () => {
    expect(backendValues(REPLACE_TARGET, "cat, dog")).toBe("S/R: cat, dog");
    expect(backendValues(REPLACE_TARGET, " s/r: cat, dog")).toBe(" s/r: cat, dog");
    expect(backendValues("3.cfg", "20-40 step 5")).toBe("20-40 step 5");
  });

  it("hints at the values each kind of target takes", () => {
    const [cfg, sampler, seed, replace] = targetOptions(fields);
    expect(valuesHint(cfg)).toContain("20-40 step 5");
    expect(valuesHint(sampler)).toContain("Choices");
    expect(valuesHint(seed)).toContain("100-120 step 10");
    expect(valuesHint(replace)).toContain("the first is the word replaced");
  });

  it("titles an axis for the grid", () => {
    const values = [{ label: "4", value: 4 }];
    expect(
      axisTitle({ target: { kind: "input", nodeId: "3", input: "cfg" }, values }, fields),
    ).toBe("KSampler #3 · Cfg");
    expect(axisTitle({ target: { kind: "input", nodeId: "7", input: "steps" }, values }, [])).toBe(
      "#7 · Steps",
    );
    expect(axisTitle({ target: { kind: "seed" }, values }, fields)).toBe("Seed");
    expect(axisTitle({ target: { kind: "replace", find: "cat" }, values }, fields)).toBe(
      "S/R “cat”",
    );
  });
});
