import { describe, expect, it } from "vitest";
import { prettyDocument, uploadsOf } from "./record";

describe("prettyDocument", () => {
  it("indents JSON and keeps anything else as stored", () => {
    expect(prettyDocument('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyDocument("not json {")).toBe("not json {");
  });
});

describe("uploadsOf", () => {
  it("reads the journal's list of uploads", () => {
    const text = JSON.stringify([
      { nodeId: "12", input: "image", file: "/a.png", sha256: "x", resource: "r1", reused: true },
      "junk",
    ]);
    expect(uploadsOf(text)).toEqual([
      { node: "12", input: "image", file: "/a.png", resource: "r1" },
    ]);
  });

  it("is empty for none, or text that is not a list", () => {
    expect(uploadsOf(null)).toEqual([]);
    expect(uploadsOf("{")).toEqual([]);
    expect(uploadsOf('{"nodeId":"1"}')).toEqual([]);
  });
});
