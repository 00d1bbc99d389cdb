import { describe, expect, it } from "vitest";
import { graphsOfFile, parseComfyJson } from "./comfyFile";

describe("graphsOfFile", () => {
  it("reads an editor file's nodes, positions and links", () => {
    const [graph] = graphsOfFile({
      nodes: [
        { id: 4, type: "CheckpointLoaderSimple", pos: [10, 20], widgets_values: ["m.safetensors"] },
        {
          id: 6,
          type: "CLIPTextEncode",
          title: "Prompt",
          pos: { 0: 300, 1: -5 },
          inputs: [
            { name: "clip", link: 3 },
            { name: "text", link: null, widget: { name: "text" } },
          ],
          widgets_values: ["a cat"],
        },
      ],
      links: [[3, 4, 1, 6, 0, "CLIP"]],
    });
    expect(graph.form).toBe("editor");
    expect(graph.nodes.map((n) => [n.id, n.classType, n.title, n.position])).toEqual([
      ["4", "CheckpointLoaderSimple", null, [10, 20]],
      ["6", "CLIPTextEncode", "Prompt", [300, -5]],
    ]);
    expect(graph.nodes[1].inputs).toEqual([
      { kind: "link", name: "clip", node: "4", output: 1 },
      { kind: "value", name: "widget 0", value: "a cat" },
    ]);
  });

  it("reads an API file's links as [id, slot] pairs and skips keys that are not nodes", () => {
    const [graph] = graphsOfFile({
      "app-config": { some: "thing" },
      "3": { class_type: "KSampler", inputs: { model: ["4", 0], seed: 5, size: [512, 512.5] } },
      "4": { class_type: "Loader", _meta: { title: "Load" }, inputs: {} },
    });
    expect(graph.form).toBe("api");
    expect(graph.nodes.map((n) => n.id)).toEqual(["3", "4"]);
    expect(graph.nodes[0].inputs).toEqual([
      { kind: "link", name: "model", node: "4", output: 0 },
      { kind: "value", name: "seed", value: 5 },
      { kind: "value", name: "size", value: [512, 512.5] },
    ]);
    expect(graph.nodes[1].title).toBe("Load");
  });

  it("looks inside wrappers and finds both forms when both are there", () => {
    const api = { "1": { class_type: "A", inputs: {} } };
    expect(graphsOfFile({ input: { workflow: api } }).map((g) => g.form)).toEqual(["api"]);
    expect(graphsOfFile({ workflow: { nodes: [] }, prompt: api }).map((g) => g.form)).toEqual([
      "editor",
      "api",
    ]);
    expect(graphsOfFile({ stages: [] })).toEqual([]);
  });
});

describe("parseComfyJson", () => {
  it("reads Python's NaN and Infinity as null, outside strings only", () => {
    expect(
      parseComfyJson('\uFEFF{"a": NaN, "b": [-Infinity, Infinity], "c": "NaN \\" NaN"}\0'),
    ).toEqual({
      a: null,
      b: [null, null],
      c: 'NaN " NaN',
    });
    expect(() => parseComfyJson("{oops}")).toThrow();
  });
});
