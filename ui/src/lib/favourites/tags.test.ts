import { describe, expect, it } from "vitest";
import { formatTags, parseTags } from "./tags";

describe("tags", () => {
  it("splits on commas, trims and drops empties and repeats", () => {
    expect(parseTags(" people, sdxl ,, people,  night   city ")).toEqual([
      "people",
      "sdxl",
      "night city",
    ]);
    expect(parseTags("人像，风景、夜景")).toEqual(["人像", "风景", "夜景"]);
    expect(parseTags("  ")).toEqual([]);
  });

  it("writes them back for editing", () => {
    expect(formatTags(["a", "b c"])).toBe("a, b c");
    expect(parseTags(formatTags(["a", "b c"]))).toEqual(["a", "b c"]);
  });
});
