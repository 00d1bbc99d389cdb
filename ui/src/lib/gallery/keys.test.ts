import { describe, expect, it } from "vitest";
import { gridCommand, viewerCommand, type KeyLike } from "./keys";

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  target: document.body,
  ...extra,
});

describe("gridCommand", () => {
  it("maps the gallery keys", () => {
    expect(gridCommand(key("a", { ctrlKey: true }))).toEqual({ kind: "selectAll" });
    expect(gridCommand(key("A", { metaKey: true }))).toEqual({ kind: "selectAll" });
    expect(gridCommand(key("ArrowDown", { shiftKey: true }))).toEqual({
      kind: "move",
      to: "down",
      extend: true,
    });
    expect(gridCommand(key("Enter"))).toEqual({ kind: "open" });
    expect(gridCommand(key("Escape"))).toEqual({ kind: "clear" });
    expect(gridCommand(key("Delete"))).toEqual({ kind: "trash" });
    expect(gridCommand(key("Backspace"))).toEqual({ kind: "trash" });
    expect(gridCommand(key("x"))).toBeNull();
  });

  it("leaves keys to text fields and buttons", () => {
    const input = document.createElement("input");
    const button = document.createElement("button");
    expect(gridCommand(key("a", { ctrlKey: true, target: input }))).toBeNull();
    expect(gridCommand(key("Enter", { target: button }))).toBeNull();
    expect(gridCommand(key("Delete", { target: button }))).toEqual({ kind: "trash" });
  });
});

describe("viewerCommand", () => {
  it("maps the viewer keys", () => {
    expect(
      ["ArrowLeft", "ArrowRight", "f", "Delete", "+", "-", "0", "1"].map((k) =>
        viewerCommand(key(k)),
      ),
    ).toEqual(["previous", "next", "favourite", "trash", "zoomIn", "zoomOut", "fit", "actualSize"]);
  });

  it("closes on Escape even from a text field, and leaves other typing alone", () => {
    const input = document.createElement("input");
    expect(viewerCommand(key("Escape", { target: input }))).toBe("close");
    expect(viewerCommand(key("f", { target: input }))).toBeNull();
    expect(viewerCommand(key("f", { ctrlKey: true }))).toBeNull();
  });
});
