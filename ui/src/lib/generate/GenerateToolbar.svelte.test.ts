// The toolbar's status badge (ready / unmapped / blocked, and the unknown-classes warning) and
// Run disabled with its reason; Run next beside Run while runs are active.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Readiness } from "../bindings/Readiness";
import { readiness } from "../testing/inspection";
import GenerateToolbar from "./GenerateToolbar.svelte";

let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

function show(state: {
  readiness: Readiness | null;
  canRun: boolean;
  workflowName?: string | null;
  active?: boolean;
}) {
  const props = $state({
    workflowName: "reference" as string | null,
    active: false,
    count: 1,
    perRun: 1,
    recent: [] as string[],
    oncount: vi.fn(),
    onrun: vi.fn(),
    onrunnext: vi.fn(),
    oncancel: vi.fn(),
    onopen: vi.fn(),
    onrecent: vi.fn(),
    onsavefavourite: vi.fn(),
    ...state,
  });
  view = mount(GenerateToolbar, { target: document.body, props });
  flushSync();
  return props;
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);
const run = () => byTestId<HTMLButtonElement>("run")!;

describe("GenerateToolbar run next", () => {
  it("offers Run next beside Run only while runs are active, and runs through it", () => {
    show({ readiness: readiness(), canRun: true });
    expect(byTestId("run-next")).toBeNull();
    if (view) unmount(view);
    document.body.innerHTML = "";
    const props = show({ readiness: readiness(), canRun: true, active: true });
    const next = byTestId<HTMLButtonElement>("run-next")!;
    expect(next.getAttribute("aria-label")).toBe("Run next");
    next.click();
    expect(props.onrunnext).toHaveBeenCalledTimes(1);
    expect(props.onrun).not.toHaveBeenCalled();
  });
});

describe("GenerateToolbar status", () => {
  it("says a ready workflow runs as is, and Run is enabled with no reason", () => {
    const props = show({ readiness: readiness(), canRun: true });
    expect(byTestId("model-status")?.dataset.state).toBe("ready");
    expect(byTestId("model-status")?.textContent?.trim()).toBe("Runs as is");
    expect(run().disabled).toBe(false);
    expect(run().hasAttribute("aria-describedby")).toBe(false);
    expect(byTestId("run-blocked-reason")).toBeNull();
    run().click();
    expect(props.onrun).toHaveBeenCalledTimes(1);
  });

  it("counts the mappings needed and disables Run, describing why", () => {
    const props = show({ readiness: readiness({ ready: false, unmapped: 2 }), canRun: false });
    const badge = byTestId("model-status")!;
    expect(badge.dataset.state).toBe("unmapped");
    expect(badge.textContent?.trim()).toBe("2 models to map");
    expect(run().disabled).toBe(true);
    const reason = byTestId("run-blocked-reason")!;
    expect(reason.textContent).toBe("Map 2 model files to Tensor.Art models first.");
    expect(run().getAttribute("aria-describedby")).toBe(reason.id);
    expect(reason.id).not.toBe("");
    expect(run().title).toBe(reason.textContent);
    run().click();
    expect(props.onrun).not.toHaveBeenCalled();
  });

  it("is blocked by other errors, and follows the next inspection", () => {
    const props = show({ readiness: readiness({ ready: false, errors: 1 }), canRun: false });
    expect(byTestId("model-status")?.dataset.state).toBe("blocked");
    expect(byTestId("model-status")?.textContent?.trim()).toBe("1 error");
    expect(byTestId("run-blocked-reason")?.textContent).toBe("Fix 1 error in the workflow first.");
    props.readiness = readiness();
    props.canRun = true;
    flushSync();
    expect(byTestId("model-status")?.dataset.state).toBe("ready");
    expect(byTestId("run-blocked-reason")).toBeNull();
    expect(run().disabled).toBe(false);
  });

  it("warns about node classes the service may lack without disabling Run", () => {
    show({ readiness: readiness({ unknownClasses: ["FaceDetailer"] }), canRun: true });
    const badge = byTestId("model-status")!;
    expect(badge.dataset.state).toBe("ready");
    expect(badge.dataset.warning).toBe("unknownClasses");
    expect(badge.textContent?.trim()).toBe("1 unknown node class");
    expect(badge.title).toContain("FaceDetailer");
    expect(run().disabled).toBe(false);
  });

  it("shows no badge or reason before the first inspection or without a workflow", () => {
    show({ readiness: null, canRun: true });
    expect(byTestId("model-status")).toBeNull();
    unmount(view!);
    document.body.innerHTML = "";
    show({ readiness: null, canRun: false, workflowName: null });
    expect(byTestId("model-status")).toBeNull();
    expect(run().disabled).toBe(true);
    expect(byTestId("run-blocked-reason")).toBeNull();
  });
});
