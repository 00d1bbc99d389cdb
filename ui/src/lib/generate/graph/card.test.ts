import { describe, expect, it } from "vitest";
import type { NodeDoc } from "../../bindings/NodeDoc";
import { CARD, cardShape, hasOwnTitle, shortValue } from "./card";

const sampler: NodeDoc = {
  id: "3",
  classType: "KSampler",
  title: null,
  extra: {},
  inputs: [
    { kind: "value", name: "seed", value: 42 },
    { kind: "link", name: "model", node: "4", output: 0 },
    { kind: "value", name: "cfg", value: 7.5 },
    { kind: "link", name: "positive", node: "6", output: 0 },
  ],
};

describe("cardShape", () => {
  it("puts links first, beside the outputs, then one row per value", () => {
    const shape = cardShape(sampler, [0]);
    expect(shape.rows.map((r) => [r.kind, r.input?.name ?? null])).toEqual([
      ["slot", "model"],
      ["slot", "positive"],
      ["value", "seed"],
      ["value", "cfg"],
    ]);
    expect(shape.rows[0]).toMatchObject({ output: 0 });
    expect(shape.rows[1]).toMatchObject({ output: null });
  });

  it("grows with the number of inputs and outputs", () => {
    const { headOne, pad, row, foot } = CARD;
    expect(cardShape(sampler, []).height).toBe(headOne + pad + 4 * row + pad + foot);
    // Three outputs but two links: three slot rows.
    expect(cardShape(sampler, [0, 1, 2]).height).toBe(headOne + pad + 5 * row + pad + foot);
    expect(cardShape({ ...sampler, inputs: [] }, []).height).toBe(headOne + 2 * pad + foot);
    expect(cardShape(sampler, []).width).toBe(CARD.width);
  });

  it("places connection points on the card's edges, centred on their rows", () => {
    const shape = cardShape(sampler, [1]);
    const top = CARD.headOne + CARD.pad;
    const y = (i: number) => top + i * CARD.row + (CARD.row - CARD.handle) / 2;
    expect(shape.handles).toEqual([
      { id: "in:model", type: "target", side: "left", x: -CARD.handle / 2, y: y(0), size: 9 },
      {
        id: "out:1",
        type: "source",
        side: "right",
        x: CARD.width - CARD.handle / 2,
        y: y(0),
        size: 9,
      },
      { id: "in:positive", type: "target", side: "left", x: -CARD.handle / 2, y: y(1), size: 9 },
    ]);
  });

  it("makes room for a class line when the node has a title of its own", () => {
    const titled = cardShape({ ...sampler, title: "Sampler" }, []);
    expect(titled.classLine).toBe(true);
    expect(titled.height - cardShape(sampler, []).height).toBe(CARD.headTwo - CARD.headOne);
  });
});

describe("hasOwnTitle", () => {
  it("is false for no title, a blank one or the class name", () => {
    expect(hasOwnTitle({ title: null, classType: "A" })).toBe(false);
    expect(hasOwnTitle({ title: "  ", classType: "A" })).toBe(false);
    expect(hasOwnTitle({ title: "A", classType: "A" })).toBe(false);
    expect(hasOwnTitle({ title: "Upscale", classType: "A" })).toBe(true);
  });
});

describe("shortValue", () => {
  it("abbreviates literals", () => {
    expect(shortValue(12345678901)).toBe("12345678901");
    expect(shortValue(0.1 + 0.2)).toBe("0.3");
    expect(shortValue(7.5)).toBe("7.5");
    expect(shortValue("a  cat\n in  a hat")).toBe("a cat in a hat");
    expect(shortValue("x".repeat(40), 10)).toBe("xxxxxxxxx…");
    expect(shortValue(null)).toBe("null");
    expect(shortValue([1, 2])).toBe("[1,2]");
  });
});
