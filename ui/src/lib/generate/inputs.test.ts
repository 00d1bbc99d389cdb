import { describe, expect, it } from "vitest";
import type { NodeDoc } from "../bindings/NodeDoc";
import { referenceDoc } from "../testing/reference";
import {
  cardHint,
  controlFor,
  inputLabel,
  nodeTitle,
  parseNumber,
  sameValue,
  type ValueInput,
} from "./inputs";

const v = (name: string, value: unknown): ValueInput => ({ kind: "value", name, value });

describe("controlFor", () => {
  it("numbers: integer steps for counts and sizes, free steps otherwise", () => {
    expect(controlFor(v("seed", 12345))).toEqual({ kind: "number", step: 1 });
    expect(controlFor(v("steps", 26))).toEqual({ kind: "number", step: 1 });
    expect(controlFor(v("cfg", 7))).toEqual({ kind: "number", step: "any" });
    expect(controlFor(v("denoise", 0.3))).toEqual({ kind: "number", step: "any" });
  });
  it("strings: prompts and long text are multiline", () => {
    expect(controlFor(v("text", "a cat"))).toEqual({ kind: "multiline" });
    expect(controlFor(v("sampler_name", "euler"))).toEqual({ kind: "text" });
    expect(controlFor(v("note", "x".repeat(61)))).toEqual({ kind: "multiline" });
    expect(controlFor(v("note", "a\nb"))).toEqual({ kind: "multiline" });
  });
  it("bools and everything else", () => {
    expect(controlFor(v("tiled", true))).toEqual({ kind: "bool" });
    expect(controlFor(v("list", [1, 2]))).toEqual({ kind: "json" });
    expect(controlFor(v("nothing", null))).toEqual({ kind: "json" });
  });
});

describe("parseNumber", () => {
  it("accepts numbers and rejects the rest", () => {
    expect(parseNumber("42")).toBe(42);
    expect(parseNumber(" -0.5 ")).toBe(-0.5);
    expect(parseNumber("1e3")).toBe(1000);
    expect(parseNumber("")).toBeNull();
    expect(parseNumber("abc")).toBeNull();
    expect(parseNumber("Infinity")).toBeNull();
  });
});

describe("names", () => {
  it("nodeTitle prefers a real title", () => {
    expect(nodeTitle({ title: "Hires fix", classType: "KSampler" })).toBe("Hires fix");
    expect(nodeTitle({ title: "  ", classType: "KSampler" })).toBe("KSampler");
    expect(nodeTitle({ title: null, classType: "KSampler" })).toBe("KSampler");
  });
  it("inputLabel reads like words", () => {
    expect(inputLabel("strength_model")).toBe("Strength model");
    expect(inputLabel("cfg")).toBe("Cfg");
  });
});

describe("cardHint", () => {
  const byId = (id: string): NodeDoc => referenceDoc().nodes.find((n) => n.id === id)!;
  it("shows a prompt's start", () => {
    expect(cardHint(byId("6"), 20)).toBe("(masterpiece, best…");
  });
  it("lists the first few scalar values", () => {
    expect(cardHint(byId("5"))).toBe("batch_size 1 · height 1536 · width 1024");
    expect(cardHint(byId("18"))).toBe("");
  });
});

describe("sameValue", () => {
  it("compares deeply", () => {
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue("a", "b")).toBe(false);
    expect(sameValue([1, { a: 2 }], [1, { a: 2 }])).toBe(true);
  });
});
