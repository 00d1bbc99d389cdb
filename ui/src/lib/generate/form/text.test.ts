import { describe, expect, it } from "vitest";
import { typedText } from "./text";

describe("typedText", () => {
  it("keeps text as text", () => {
    expect(typedText("a", "12")).toBe("12");
    expect(typedText(null, "12")).toBe("12");
  });

  it("keeps numbers as numbers while they parse exactly", () => {
    expect(typedText(3, "1.50")).toBe(1.5);
    expect(typedText(3, " 42 ")).toBe(42);
    expect(typedText(3, "abc")).toBe("abc");
    expect(typedText(3, "")).toBe("");
  });

  it("keeps a 64-bit id as text rather than losing digits", () => {
    expect(typedText(1, "648628718430054626")).toBe("648628718430054626");
  });
});
