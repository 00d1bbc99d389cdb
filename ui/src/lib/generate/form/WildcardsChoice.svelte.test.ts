// The wildcard choice in the form: hidden without wildcards, the "every combination" runs and
// the estimate's run count follow the batch count, and too many combinations disable it.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inspection } from "../../testing/inspection";
import { FormState } from "./state.svelte";
import WildcardsChoice from "./WildcardsChoice.svelte";

const inspectWorkflow = vi.hoisted(() => vi.fn());
vi.mock("../../host", () => ({ inspectWorkflow }));

let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

const doc = { name: "w", nodes: [], editor: null } as never;

async function inspected(combinations: number | null): Promise<FormState> {
  const form = new FormState();
  const wildcards = { inputs: [{ nodeId: "6", input: "text" }], combinations };
  inspectWorkflow.mockResolvedValueOnce(inspection({ wildcards, credits: 2 }));
  await form.refresh(doc);
  view = mount(WildcardsChoice, { target: document.body, props: { form } });
  flushSync();
  return form;
}

const find = (id: string) => document.querySelector<HTMLInputElement>(`[data-testid=${id}]`);

describe("WildcardsChoice", () => {
  it("is not shown when no field uses wildcards", () => {
    const form = new FormState();
    view = mount(WildcardsChoice, { target: document.body, props: { form } });
    flushSync();
    expect(find("wildcards")).toBeNull();
    expect(form.runs).toBe(1);
    expect(form.wildcardOption).toBe("seeded");
  });

  it("runs every combination times the batch count when chosen", async () => {
    const form = await inspected(6);
    expect(find("wildcards")?.textContent).toContain("Wildcards in 1 field");
    expect(find("wildcards-seeded")?.checked).toBe(true);
    form.setCount(2);
    flushSync();
    expect(find("wildcards")?.textContent).toContain("Every combination: 12 runs");
    expect(form.runs).toBe(2);
    find("wildcards-every")?.click();
    flushSync();
    expect(form.wildcardMode).toBe("every");
    expect(form.wildcardOption).toBe("every");
    expect(form.runs).toBe(12);
  });

  it("cannot run every combination when they are more than a batch holds", async () => {
    const form = await inspected(null);
    expect(find("wildcards-every")?.disabled).toBe(true);
    expect(find("wildcards")?.textContent).toContain("more runs than one batch may hold");
    form.wildcardMode = "every";
    expect(form.runs).toBeNull();
  });
});
