import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as door from "../host/history";
import { allByTestId, byTestId, settle } from "../gallery/testing.svelte";
import { dayKey, daysBefore } from "./days";
import { answer, report, spendRow } from "./fixtures";
import SpendPanel from "./SpendPanel.svelte";
import { Spend } from "./spend.svelte";

vi.mock("../host/history", async () => (await import("./fixtures")).hostModule());

const mocked = vi.mocked(door);
const TODAY = new Date(2026, 11, 2, 15, 30);
let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

/** The panel over a ledger with spend today, 3 days ago and 40 days ago (outside the chart). */
async function open(caps = { daily: 20, monthly: null as number | null }) {
  answer(door, 0);
  const days = [
    spendRow(dayKey(TODAY), 4.8, { runs: 3, failed: 1, pending: 2.4 }),
    spendRow(dayKey(daysBefore(TODAY, 3)), 1.2),
    spendRow(dayKey(daysBefore(TODAY, 40)), 99),
  ];
  mocked.spendReport.mockImplementation(async (by) => {
    if (by === "day") return report(by, days, { today: 7.2, thisMonth: 30.5, caps });
    if (by === "week") return report(by, [spendRow(dayKey(daysBefore(TODAY, 2)), 6)]);
    if (by === "month") return report(by, [spendRow("2026-12", 6)]);
    if (by === "workflow") return report(by, [spendRow("reference", 5), spendRow("portrait", 1)]);
    return report(by, [spendRow("Tensor.Art", 6)]);
  });
  const spend = new Spend(vi.fn(), () => TODAY);
  await spend.load();
  view = mount(SpendPanel, { target: document.body, props: { spend } });
  await settle();
  return spend;
}

function type(id: string, value: string) {
  const input = byTestId(id) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("SpendPanel", () => {
  it("asks for days since the chart's first day, this week, this month, workflows and backends", async () => {
    await open();
    const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
    expect(mocked.spendReport.mock.calls).toEqual([
      ["day", seconds(new Date(2026, 10, 3))],
      // 2 December 2026 is a Wednesday: its week starts on Monday 30 November.
      ["week", seconds(new Date(2026, 10, 30))],
      ["month", seconds(new Date(2026, 11, 1))],
      ["workflow", null],
      ["backend", null],
    ]);
  });

  it("draws 30 bars, oldest first, whose titles say the report's numbers", async () => {
    await open();
    const bars = allByTestId("spend-bar");
    expect(bars).toHaveLength(30);
    const titles = bars.map((bar) => bar.querySelector("title")?.textContent);
    expect(titles[29]).toBe("2026-12-02: 4.8 credits, 3 runs");
    expect(titles[26]).toBe("2026-11-29: 1.2 credits, 1 run");
    expect(titles[0]).toBe("2026-11-03: 0 credits, 0 runs");
    expect(titles.filter((title) => title?.includes(": 0 credits"))).toHaveLength(28);
    // The tallest bar reaches the axis top (5: the next 1-2-5 step above 4.8) in proportion.
    const height = (i: number) => Number(bars[i].getAttribute("height"));
    expect(height(26) / height(29)).toBeCloseTo(1.2 / 4.8, 5);
    const chart = byTestId("spend-chart")!;
    expect(chart.getAttribute("role")).toBe("img");
    expect(chart.textContent).toContain("5");
    // The table is the chart's text alternative: the same 30 days, newest first.
    const table = document.getElementById(chart.getAttribute("aria-describedby")!)!;
    const dayRows = table.querySelectorAll("tbody tr");
    expect(dayRows).toHaveLength(30);
    expect(dayRows[0].textContent).toContain("2026-12-02");
    expect(dayRows[0].textContent).toContain("4.8");
  });

  it("shows today, this week and this month, with pending estimates", async () => {
    await open();
    expect(byTestId("spend-total-today")?.textContent).toContain("4.8 credits");
    expect(byTestId("spend-total-today")?.textContent).toContain("+ 2.4 pending");
    expect(byTestId("spend-total-week")?.textContent).toContain("6 credits");
    expect(byTestId("spend-total-month")?.textContent).toContain("6 credits");
    expect(byTestId("spend-table-workflows")?.textContent).toContain("reference");
    expect(byTestId("spend-table-backends")?.textContent).toContain("Tensor.Art");
  });

  it("shows spend against the caps and saves an empty cap as none", async () => {
    await open();
    expect((byTestId("spend-cap-daily") as HTMLInputElement).value).toBe("20");
    expect((byTestId("spend-cap-monthly") as HTMLInputElement).value).toBe("");
    expect(byTestId("spend-cap-daily-spent")?.textContent).toContain("7.2 of 20 spent");
    expect(byTestId("spend-cap-monthly-spent")?.textContent).toContain("30.5 spent");
    type("spend-cap-daily", "");
    type("spend-cap-monthly", "150");
    byTestId("spend-cap-save")!.click();
    await settle();
    expect(mocked.saveSpendCaps).toHaveBeenCalledWith({ daily: null, monthly: 150 });
    expect(byTestId("spend-cap-monthly-spent")?.textContent).toContain("30.5 of 150 spent");
    expect(document.body.textContent).toContain("Saved.");
  });

  it("saves nothing while a cap is not a number of credits", async () => {
    const spend = await open();
    type("spend-cap-monthly", "-5");
    // The form's own check stops the submit (min 0), as a browser's does.
    expect((byTestId("spend-cap-monthly") as HTMLInputElement).validity.valid).toBe(false);
    byTestId("spend-cap-save")!.click();
    await settle();
    expect(mocked.saveSpendCaps).not.toHaveBeenCalled();
    // And the store's, for anything that gets past it.
    expect(await spend.saveCaps()).toBe(false);
    flushSync();
    expect(mocked.saveSpendCaps).not.toHaveBeenCalled();
    expect(byTestId("spend-cap-monthly")?.getAttribute("aria-invalid")).toBe("true");
    expect(document.body.textContent).toContain("A cap is a number of credits");
  });

  it("keeps the caps being typed when the ledger is read again", async () => {
    const spend = await open();
    type("spend-cap-daily", "12");
    await spend.load();
    flushSync();
    expect((byTestId("spend-cap-daily") as HTMLInputElement).value).toBe("12");
  });
});
