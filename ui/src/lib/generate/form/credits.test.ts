import { describe, expect, it } from "vitest";
import { clampCount, estimateDetail, formatEstimate } from "./credits";

describe("credits", () => {
  it("words the estimate for the whole batch", () => {
    expect(formatEstimate(1.2, 2)).toBe("≈ 2.4 credits");
    expect(formatEstimate(1, 1)).toBe("≈ 1 credit");
    expect(formatEstimate(0.333, 3)).toBe("≈ 1 credit");
    expect(formatEstimate(0.1, 0)).toBe("≈ 0.1 credits");
    expect(estimateDetail(1.2, 2)).toBe("1.2 per run × 2");
  });
  it("clamps batch counts", () => {
    expect(clampCount(0)).toBe(1);
    expect(clampCount(2.6)).toBe(3);
    expect(clampCount(500)).toBe(100);
    expect(clampCount(NaN)).toBe(1);
  });
});
