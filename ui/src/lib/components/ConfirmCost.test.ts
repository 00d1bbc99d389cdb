import { mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CostQuestion } from "../run/consent.svelte";
import ConfirmCost from "./ConfirmCost.svelte";

let view: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

function ask(question: CostQuestion) {
  const props = { question, onconfirm: vi.fn(), oncancel: vi.fn() };
  view = mount(ConfirmCost, { target: document.body, props });
  const dialog = document.querySelector<HTMLElement>('[data-testid="confirm-cost"]')!;
  return { props, dialog };
}

describe("ConfirmCost", () => {
  it("asks about the Settings threshold", () => {
    const { dialog } = ask({ kind: "threshold", credits: 12, threshold: 10 });
    expect(dialog.textContent).toContain("Run above your credit limit?");
    expect(dialog.textContent).toContain("about 12 credits, more than the 10 you set");
  });

  it("shows spent, estimate and cap for a batch past the daily cap", () => {
    const { dialog, props } = ask({
      kind: "cap",
      credits: 4.8,
      spent: 18.25,
      cap: 20,
      period: "day",
    });
    expect(dialog.textContent).toContain("Past your daily spend cap?");
    expect(dialog.querySelector('[data-testid="confirm-cost-body"]')?.textContent).toBe(
      "This run is estimated at 4.8 credits; you have spent 18.25 of your daily cap of 20.",
    );
    dialog.querySelector<HTMLButtonElement>('[data-testid="confirm-run"]')!.click();
    expect(props.onconfirm).toHaveBeenCalledTimes(1);
  });

  it("names the monthly cap when that is the one passed", () => {
    const { dialog } = ask({ kind: "cap", credits: 3, spent: 99, cap: 100, period: "month" });
    expect(dialog.textContent).toContain("your monthly cap of 100");
  });
});
