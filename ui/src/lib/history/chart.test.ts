import { describe, expect, it } from "vitest";
import { axisTop, barBox, firstDay, lastDays } from "./chart";
import { dayKey, mondayOf, monthKey, monthStart } from "./days";
import { spendRow } from "./fixtures";

describe("days", () => {
  it("names local days, weeks (by Monday) and months as the ledger does", () => {
    const wednesday = new Date(2026, 11, 2, 23, 59);
    expect(dayKey(wednesday)).toBe("2026-12-02");
    expect(monthKey(wednesday)).toBe("2026-12");
    expect(dayKey(mondayOf(wednesday))).toBe("2026-11-30");
    expect(dayKey(mondayOf(new Date(2026, 10, 29)))).toBe("2026-11-23");
    expect(dayKey(mondayOf(new Date(2026, 10, 30)))).toBe("2026-11-30");
    expect(monthStart(wednesday).getTime()).toBe(new Date(2026, 11, 1).getTime());
  });
});

describe("lastDays", () => {
  it("has one row per day for 30 days, oldest first, zeros where nothing ran", () => {
    const today = new Date(2026, 2, 10, 9);
    const days = lastDays(
      [spendRow("2026-03-10", 4.8), spendRow("2026-02-09", 7), spendRow("2026-02-01", 9)],
      today,
    );
    expect(days).toHaveLength(30);
    expect(days[0].key).toBe("2026-02-09");
    expect(days[0].charged).toBe(7);
    expect(days[29]).toMatchObject({ key: "2026-03-10", charged: 4.8 });
    expect(days.slice(1, 29).every((d) => d.charged === 0 && d.runs === 0)).toBe(true);
    expect(firstDay(today).getTime()).toBe(new Date(2026, 1, 9).getTime());
  });
});

describe("axisTop and barBox", () => {
  it("rounds the axis up to 1, 2 or 5 times a power of ten", () => {
    expect(axisTop(0)).toBe(1);
    expect(axisTop(4.8)).toBe(5);
    expect(axisTop(5)).toBe(5);
    expect(axisTop(12)).toBe(20);
    expect(axisTop(0.03)).toBeCloseTo(0.05);
    expect(axisTop(101)).toBe(200);
  });

  it("places bars side by side with heights in proportion", () => {
    const plot = { left: 10, top: 0, width: 300, height: 100 };
    const a = barBox(0, 30, 2.5, 5, plot);
    const b = barBox(29, 30, 5, 5, plot);
    expect(a.height).toBe(50);
    expect(b.height).toBe(100);
    expect(b.y).toBe(0);
    expect(a.x).toBeGreaterThanOrEqual(10);
    expect(b.x + b.width).toBeLessThanOrEqual(310);
  });
});
