import { describe, expect, it } from "vitest";
import { looksLikeWorkflow, takesText } from "./paste";

describe("paste", () => {
  it("opens JSON objects only", () => {
    expect(looksLikeWorkflow('  {"3": {"class_type": "KSampler"}}\n')).toBe(true);
    expect(looksLikeWorkflow("a cat")).toBe(false);
    expect(looksLikeWorkflow("[1, 2]")).toBe(false);
  });

  it("leaves pastes into text fields alone", () => {
    document.body.innerHTML = `<input id="i"><textarea id="t"></textarea><div id="e" contenteditable="true"><b id="b">x</b></div><div id="d"></div>`;
    const el = (id: string) => document.getElementById(id);
    expect(takesText(el("i"))).toBe(true);
    expect(takesText(el("t"))).toBe(true);
    expect(takesText(el("b"))).toBe(true);
    expect(takesText(el("d"))).toBe(false);
    expect(takesText(document.body)).toBe(false);
    expect(takesText(null)).toBe(false);
    document.body.innerHTML = "";
  });
});
