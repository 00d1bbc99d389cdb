import { describe, expect, it } from "vitest";
import { revealRect } from "./follow";

const pane = { width: 800, height: 600 };
const card = { x: 100, y: 100, width: 200, height: 100 };

describe("revealRect", () => {
  it("leaves a card that is fully in view alone", () => {
    expect(revealRect(card, { x: 0, y: 0, zoom: 1 }, pane)).toBeNull();
  });

  it("centres a card that is off screen, keeping the zoom", () => {
    expect(revealRect(card, { x: -1000, y: 0, zoom: 0.5 }, pane)).toEqual({
      x: 400 - 200 * 0.5,
      y: 300 - 150 * 0.5,
      zoom: 0.5,
    });
  });

  it("also centres a card that is only partly in view", () => {
    expect(revealRect(card, { x: 550, y: 0, zoom: 1 }, pane)).not.toBeNull();
  });

  it("does nothing before the pane has a size", () => {
    expect(revealRect(card, { x: -1000, y: 0, zoom: 1 }, { width: 0, height: 0 })).toBeNull();
  });
});
