import { describe, expect, it } from "vitest";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { referenceDoc } from "../testing/reference";
import { nodeParams, valueText } from "./params";
import { depths, picture } from "./picture";

const doc: WorkflowDoc = {
  name: "tiny",
  nodes: [
    {
      id: "3",
      classType: "KSampler",
      title: null,
      inputs: [
        { kind: "link", name: "model", node: "4", output: 0 },
        { kind: "value", name: "seed", value: 42 },
        { kind: "value", name: "sampler_name", value: "euler" },
      ],
      extra: {},
    },
    {
      id: "4",
      classType: "CheckpointLoaderSimple",
      title: "Model",
      inputs: [{ kind: "value", name: "ckpt_name", value: "sdxl.safetensors" }],
      extra: {},
    },
    { id: "9", classType: "Note", title: null, inputs: [], extra: {} },
  ],
};

describe("nodeParams", () => {
  it("lists the literal inputs by node, without links or empty nodes", () => {
    expect(nodeParams(doc)).toEqual([
      {
        id: "3",
        title: "KSampler",
        classType: "KSampler",
        values: [
          { name: "seed", text: "42" },
          { name: "sampler_name", text: "euler" },
        ],
      },
      {
        id: "4",
        title: "Model",
        classType: "CheckpointLoaderSimple",
        values: [{ name: "ckpt_name", text: "sdxl.safetensors" }],
      },
    ]);
  });

  it("writes other values as JSON", () => {
    expect(valueText(true)).toBe("true");
    expect(valueText([1, 2])).toBe("[1,2]");
    expect(valueText(null)).toBe("null");
  });
});

describe("picture", () => {
  it("puts nodes in columns by depth and draws one line per link", () => {
    const p = picture(doc);
    expect(depths(doc)).toEqual(
      new Map([
        ["4", 0],
        ["3", 1],
        ["9", 0],
      ]),
    );
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0].x1).toBeLessThan(p.lines[0].x2);
    const sampler = p.boxes.find((b) => b.id === "3")!;
    const model = p.boxes.find((b) => b.id === "4")!;
    expect(sampler.x).toBeGreaterThan(model.x);
    expect(p.width).toBeGreaterThan(sampler.x);
  });

  it("tolerates cycles and missing sources", () => {
    const loop: WorkflowDoc = {
      name: "loop",
      nodes: [
        {
          id: "a",
          classType: "A",
          title: null,
          inputs: [{ kind: "link", name: "x", node: "b", output: 0 }],
          extra: {},
        },
        {
          id: "b",
          classType: "B",
          title: null,
          inputs: [
            { kind: "link", name: "x", node: "a", output: 0 },
            { kind: "link", name: "y", node: "gone", output: 0 },
          ],
          extra: {},
        },
      ],
    };
    const p = picture(loop);
    expect(p.boxes).toHaveLength(2);
    expect(p.lines).toHaveLength(2);
  });

  it("draws the reference workflow", () => {
    const p = picture(referenceDoc());
    expect(p.boxes).toHaveLength(11);
    expect(p.lines).toHaveLength(18);
  });
});
