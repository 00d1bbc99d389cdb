import { describe, expect, it } from "vitest";
import { actualSize, fit, pan, STEP, wheelFactor, zoomAt } from "./zoom";

const stage = { width: 800, height: 600 };

describe("zoom", () => {
  it("fits a large image and centres it", () => {
    expect(fit(stage, { width: 1600, height: 800 })).toEqual({ scale: 0.5, x: 0, y: 100 });
  });

  it("does not enlarge a small image to fit", () => {
    expect(fit(stage, { width: 400, height: 300 })).toEqual({ scale: 1, x: 200, y: 150 });
  });

  it("keeps the point under the cursor still while zooming", () => {
    const v = fit(stage, { width: 1600, height: 800 });
    const z = zoomAt(v, 2, 200, 300);
    // The image point under (200, 300) before: ((200 - 0) / 0.5, (300 - 100) / 0.5) = (400, 400).
    expect(z.scale).toBe(1);
    expect((200 - z.x) / z.scale).toBeCloseTo(400);
    expect((300 - z.y) / z.scale).toBeCloseTo(400);
  });

  it("shows 100 % about the centre, limits the scale and pans", () => {
    const v = fit(stage, { width: 1600, height: 800 });
    expect(actualSize(v, stage).scale).toBe(1);
    expect(zoomAt(v, 1000, 0, 0).scale).toBe(16);
    expect(zoomAt(v, 0.0001, 0, 0).scale).toBe(0.05);
    expect(pan(v, 10, -5)).toEqual({ scale: 0.5, x: 10, y: 95 });
  });

  it("turns wheel notches into steps, up zooms in", () => {
    expect(wheelFactor(-100, 0)).toBeCloseTo(STEP);
    expect(wheelFactor(3, 1)).toBeCloseTo(1 / STEP);
    expect(wheelFactor(-10_000, 0)).toBeCloseTo(STEP ** 4);
  });
});
