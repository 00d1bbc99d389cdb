// The numbers behind the spend chart: the last 30 local days (days without runs count as 0, so
// every day has its bar), a rounded top for the axis, and each bar's place in the drawing. Day
// keys are the ledger's local dates (days.ts). Pure. Leaves out drawing: SpendChart.svelte does.

import type { SpendRow } from "../bindings/SpendRow";
import { dayKey, daysBefore } from "./days";

/** Days the chart shows, today included. */
export const CHART_DAYS = 30;

/** Local midnight `days - 1` days before `today`: where a report of the last `days` starts. */
export function firstDay(today: Date, days = CHART_DAYS): Date {
  return daysBefore(today, days - 1);
}

/** One row per day from `firstDay(today)` to today, oldest first, from a report by day (a day
 * without runs is a row of zeros, so every day has its bar). */
export function lastDays(rows: SpendRow[], today: Date, days = CHART_DAYS): SpendRow[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  const start = firstDay(today, days);
  return Array.from({ length: days }, (_, i) => {
    const key = dayKey(daysBefore(start, -i));
    return byDay.get(key) ?? { key, runs: 0, failed: 0, charged: 0, estimated: 0, pending: 0 };
  });
}

/** The axis top: the smallest 1, 2 or 5 × 10^k at or above `max` (1 for an empty chart). */
export function axisTop(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max * (1 - 1e-9)) ?? 10;
  return step * power;
}

export type Plot = {
  /** Drawing area inside the axes. */
  left: number;
  top: number;
  width: number;
  height: number;
};

/** Where bar `index` of `count` stands and how tall it is for `value` on an axis up to `top`. */
export function barBox(index: number, count: number, value: number, top: number, plot: Plot) {
  const slot = plot.width / count;
  const gap = Math.min(2, slot * 0.25);
  const h = top > 0 ? (Math.max(0, value) / top) * plot.height : 0;
  return {
    x: plot.left + index * slot + gap / 2,
    y: plot.top + plot.height - h,
    width: Math.max(1, slot - gap),
    height: h,
  };
}
