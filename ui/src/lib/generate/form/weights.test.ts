import { describe, expect, it } from "vitest";
import { hasWeights, tokenizePrompt, weightTone } from "./weights";

const join = (text: string) =>
  tokenizePrompt(text)
    .map((s) => s.text)
    .join("");

describe("tokenizePrompt", () => {
  it("keeps plain text as one segment", () => {
    expect(tokenizePrompt("a red fox")).toEqual([{ text: "a red fox", kind: "text", weight: 1 }]);
    expect(tokenizePrompt("")).toEqual([]);
  });

  it("reads explicit weights and marks the syntax", () => {
    expect(tokenizePrompt("a (red fox:1.2), night")).toEqual([
      { text: "a ", kind: "text", weight: 1 },
      { text: "(", kind: "syntax", weight: 1 },
      { text: "red fox", kind: "text", weight: 1.2 },
      { text: ":1.2)", kind: "syntax", weight: 1 },
      { text: ", night", kind: "text", weight: 1 },
    ]);
  });

  it("gives bare parentheses 1.1 and multiplies nested groups", () => {
    const segs = tokenizePrompt("((cat):0.5)");
    expect(segs.filter((s) => s.kind === "text")).toEqual([
      { text: "cat", kind: "text", weight: 0.55 },
    ]);
  });

  it("reads weights below one and decimals without a leading digit", () => {
    expect(tokenizePrompt("(blur:.5)")[1]).toEqual({ text: "blur", kind: "text", weight: 0.5 });
    expect(tokenizePrompt("(blur: 0.8 )")[1]).toMatchObject({ text: "blur", weight: 0.8 });
  });

  it("treats escaped and unmatched parentheses as text", () => {
    expect(tokenizePrompt("\\(not\\) a group")).toEqual([
      { text: "\\(not\\) a group", kind: "text", weight: 1 },
    ]);
    expect(tokenizePrompt("smile :) (open")).toEqual([
      { text: "smile :) (open", kind: "text", weight: 1 },
    ]);
  });

  it("always gives back the text exactly", () => {
    for (const t of ["(a:1.3) (b) [c] ((d:2):0.5)", "x:1.2)", "((", "(:1.5)", "\\"]) {
      expect(join(t)).toBe(t);
    }
  });
});

describe("hasWeights / weightTone", () => {
  it("says whether a prompt is weighted and how each segment looks", () => {
    expect(hasWeights(tokenizePrompt("plain"))).toBe(false);
    const segs = tokenizePrompt("(a:1.5) (b:0.5)");
    expect(hasWeights(segs)).toBe(true);
    expect(segs.map(weightTone)).toEqual([
      "syntax",
      "up",
      "syntax",
      "plain",
      "syntax",
      "down",
      "syntax",
    ]);
  });
});
