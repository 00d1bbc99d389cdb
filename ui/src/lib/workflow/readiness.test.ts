import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "../i18n/index.svelte";
import { readiness } from "../testing/inspection";
import { describeReadiness } from "./readiness";

afterEach(() => setLocale("en"));

describe("describeReadiness", () => {
  it("says a ready workflow runs as is, with no reason to refuse", () => {
    expect(describeReadiness(readiness())).toMatchObject({
      state: "ready",
      text: "Runs as is",
      warning: false,
      reason: null,
    });
  });

  it("counts the model mappings needed, and other errors beside them", () => {
    const one = describeReadiness(readiness({ ready: false, unmapped: 1 }));
    expect(one).toMatchObject({ state: "unmapped", text: "1 model to map" });
    expect(one.reason).toBe("Map 1 model file to a Tensor.Art model first.");
    const both = describeReadiness(readiness({ ready: false, unmapped: 3, errors: 2 }));
    expect(both.state).toBe("unmapped");
    expect(both.text).toBe("3 models to map · 2 errors");
    expect(both.reason).toBe(
      "Map 3 model files to Tensor.Art models first. Fix 2 errors in the workflow first.",
    );
  });

  it("is blocked by other errors alone", () => {
    const view = describeReadiness(readiness({ ready: false, errors: 1 }));
    expect(view).toMatchObject({ state: "blocked", text: "1 error" });
    expect(view.reason).toBe("Fix 1 error in the workflow first.");
    expect(describeReadiness(readiness({ ready: false })).text).toBe("Cannot run as it stands");
  });

  it("warns about unknown node classes without blocking, naming them in the tooltip", () => {
    const view = describeReadiness(readiness({ unknownClasses: ["MyNode", "Other"] }));
    expect(view).toMatchObject({
      state: "ready",
      text: "2 unknown node classes",
      warning: true,
      reason: null,
    });
    expect(view.title).toContain("MyNode, Other");
    const blocked = describeReadiness(
      readiness({ ready: false, unmapped: 1, unknownClasses: ["MyNode"] }),
    );
    expect(blocked.text).toBe("1 model to map · 1 unknown node class");
  });

  it("is translated", () => {
    setLocale("zh-CN");
    expect(describeReadiness(readiness({ ready: false, unmapped: 2 })).text).toBe("2 个模型待映射");
  });
});
