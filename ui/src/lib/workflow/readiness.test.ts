import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "../i18n/index.svelte";
import { readiness } from "../testing/inspection";
import { describeReadiness } from "./readiness";

afterEach(() => setLocale("en"));

describe("describeReadiness", () => {
  it("says a ready workflow runs as is, with no reason to refuse", () => {
    expect(describeReadiness(readiness())).toMatchObject({
      state: "ready",
      text: "Runs on Tensor.Art as is",
      warning: false,
      reason: null,
    });
  });

  it("counts the model mappings needed, and other errors beside them", () => {
    const one = describeReadiness(readiness({ ready: false, unmapped: 1 }));
    expect(one).toMatchObject({ state: "unmapped", text: "Needs 1 model mapping" });
    expect(one.reason).toBe("Map 1 model file to a Tensor.Art model first.");
    const both = describeReadiness(readiness({ ready: false, unmapped: 3, errors: 2 }));
    expect(both.state).toBe("unmapped");
    expect(both.text).toBe("Needs 3 model mappings · 2 errors to fix");
    expect(both.reason).toBe(
      "Map 3 model files to Tensor.Art models first. Fix 2 errors in the workflow first.",
    );
  });

  it("is blocked by other errors alone", () => {
    const view = describeReadiness(readiness({ ready: false, errors: 1 }));
    expect(view).toMatchObject({ state: "blocked", text: "1 error to fix" });
    expect(view.reason).toBe("Fix 1 error in the workflow first.");
    expect(describeReadiness(readiness({ ready: false })).text).toBe("Cannot run as it stands");
  });

  it("warns about unknown node classes without blocking, naming them in the tooltip", () => {
    const view = describeReadiness(readiness({ unknownClasses: ["MyNode", "Other"] }));
    expect(view).toMatchObject({
      state: "ready",
      text: "Uses 2 node classes Tensor.Art may lack",
      warning: true,
      reason: null,
    });
    expect(view.title).toContain("MyNode, Other");
    const blocked = describeReadiness(
      readiness({ ready: false, unmapped: 1, unknownClasses: ["MyNode"] }),
    );
    expect(blocked.text).toBe("Needs 1 model mapping · Uses 1 node class Tensor.Art may lack");
  });

  it("is translated", () => {
    setLocale("zh-CN");
    expect(describeReadiness(readiness({ ready: false, unmapped: 2 })).text).toBe(
      "需要映射 2 个模型",
    );
  });
});
