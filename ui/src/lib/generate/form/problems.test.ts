import { describe, expect, it } from "vitest";
import type { Problem } from "../../bindings/Problem";
import { indexProblems, inputKey } from "./problems";

const p = (
  nodeId: string | null,
  input: string | null,
  severity: "error" | "warning" = "error",
): Problem => ({
  severity,
  code: "outOfRange",
  nodeId,
  nodeTitle: null,
  classType: null,
  input,
  message: `${nodeId}/${input}`,
});

describe("indexProblems", () => {
  it("files problems by input, node and none, and counts errors per node", () => {
    const idx = indexProblems([
      p("3", "steps"),
      p("3", "cfg", "warning"),
      p("3", null),
      p(null, null),
      p("5", "width"),
    ]);
    expect(idx.byInput.get(inputKey("3", "steps"))?.map((x) => x.message)).toEqual(["3/steps"]);
    expect(idx.byNode.get("3")?.map((x) => x.message)).toEqual(["3/null"]);
    expect(idx.general).toHaveLength(1);
    expect(idx.errorsPerNode.get("3")).toBe(2);
    expect(idx.errorsPerNode.get("5")).toBe(1);
  });
});
