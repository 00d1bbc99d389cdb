import { describe, expect, it } from "vitest";
import { isModelFile, isModelId, modelIdOf } from "./modelReference";

describe("model references", () => {
  it("takes a bare id of 1 to 20 digits that fits a uint64", () => {
    expect(modelIdOf("600423083519508503")).toBe("600423083519508503");
    expect(modelIdOf("  7 ")).toBe("7");
    expect(isModelId("18446744073709551615")).toBe(true);
    expect(isModelId("18446744073709551616")).toBe(false);
    expect(isModelId("123456789012345678901")).toBe(false);
    expect(isModelId("")).toBe(false);
    expect(isModelId("12a")).toBe(false);
  });

  it("takes the digits after /models/ in a model page URL", () => {
    expect(modelIdOf("https://tensor.art/models/600423083519508503")).toBe("600423083519508503");
    expect(modelIdOf("https://tensor.art/models/648628718430054626/Paper-Cut-v2?x=1#top")).toBe(
      "648628718430054626",
    );
    expect(modelIdOf("tensor.art/models/757279507095956705/")).toBe("757279507095956705");
  });

  it("refuses anything else", () => {
    expect(modelIdOf("https://tensor.art/models/")).toBeNull();
    expect(modelIdOf("https://tensor.art/models/abc")).toBeNull();
    expect(modelIdOf("https://tensor.art/images/600423083519508503")).toBeNull();
    expect(modelIdOf("v1-5-pruned-emaonly.safetensors")).toBeNull();
    expect(modelIdOf("")).toBeNull();
  });

  it("tells file names from ids and empty values", () => {
    expect(isModelFile("v1-5-pruned-emaonly.safetensors")).toBe(true);
    expect(isModelFile("600423083519508503")).toBe(false);
    expect(isModelFile(600423)).toBe(false);
    expect(isModelFile("")).toBe(false);
    expect(isModelFile(null)).toBe(false);
  });
});
