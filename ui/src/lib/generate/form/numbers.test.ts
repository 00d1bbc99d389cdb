import { describe, expect, it } from "vitest";
import { inRange, limitsText, sliderRange, snapNumber, stepOf } from "./numbers";

const f = (
  kind: "number" | "integer" | "seed",
  min: number | null,
  max: number | null,
  step: number | null = null,
) => ({
  kind,
  min,
  max,
  step,
});

describe("number limits", () => {
  it("gives bounded fields a slider, seeds and huge ranges none", () => {
    expect(sliderRange(f("number", 0, 100, 0.5))).toEqual({ min: 0, max: 100, step: 0.5 });
    expect(sliderRange(f("integer", 1, 10000))).toEqual({ min: 1, max: 10000, step: 1 });
    expect(sliderRange(f("seed", 0, 100))).toBeNull();
    expect(sliderRange(f("integer", 0, 2 ** 64))).toBeNull();
    expect(sliderRange(f("number", 0, null))).toBeNull();
    expect(sliderRange(f("number", 5, 5))).toBeNull();
  });

  it("steps integers by whole numbers", () => {
    expect(stepOf(f("integer", 0, 10, 0.3))).toBe(1);
    expect(stepOf(f("integer", 0, 64, 8))).toBe(8);
    expect(stepOf(f("number", 0, 1, null))).toBe(0.01);
    expect(stepOf(f("number", 0, 1, 0.05))).toBe(0.05);
  });

  it("rounds integers and rejects non-numbers", () => {
    expect(snapNumber(f("integer", 0, 10), 3.6)).toBe(4);
    expect(snapNumber(f("number", 0, 10), 3.6)).toBe(3.6);
    expect(snapNumber(f("number", 0, 10), NaN)).toBeNull();
  });

  it("checks and words the limits", () => {
    expect(inRange(f("number", 0, 10), 11)).toBe(false);
    expect(inRange(f("number", 0, null), 1e9)).toBe(true);
    expect(limitsText(f("number", 0, 10))).toBe("0 – 10");
    expect(limitsText(f("number", 1, null))).toBe("≥ 1");
    expect(limitsText(f("number", null, 2))).toBe("≤ 2");
    expect(limitsText(f("number", null, null))).toBe("");
  });
});
