// The Spend panel's state: the ledger as five reports (by day over the chart's 30 days, this
// week, this month, and by workflow and by backend over all time, whose keys also fill the
// History filter menus), and the caps editor (two texts, empty = no cap) with its save. Leaves
// out the rules of what a run costs (the engine's `spend` module) and any chart drawing.

import type { SpendCaps } from "../bindings/SpendCaps";
import type { SpendReport } from "../bindings/SpendReport";
import type { SpendRow } from "../bindings/SpendRow";
import { saveSpendCaps, spendReport } from "../host/history";
import { firstDay } from "./chart";
import { dayKey, mondayOf, monthKey, monthStart, now, unixSeconds } from "./days";

export type Reports = {
  days: SpendReport;
  week: SpendReport;
  month: SpendReport;
  workflows: SpendReport;
  backends: SpendReport;
};

/** A cap as typed: "" is no cap; anything else must be a number ≥ 0 (undefined: not one). */
export function parseCap(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const n = Number(trimmed);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

const capText = (cap: number | null) => (cap === null ? "" : String(cap));

export class Spend {
  reports: Reports | null = $state.raw(null);
  /** When the reports were asked for (the chart's last bar is that day); null until loaded. */
  today: Date | null = $state.raw(null);
  /** The caps editor's texts. */
  daily = $state("");
  monthly = $state("");
  /** Which cap text is not a number ≥ 0, if any. */
  invalid: "daily" | "monthly" | null = $state(null);
  saving = $state(false);
  /** The caps were saved and not edited since. */
  saved = $state(false);
  private token = 0;
  private edited = false;

  constructor(
    private readonly onerror: (error: unknown) => void,
    private readonly clock: () => Date = now,
  ) {}

  /** Asks for every report at once; a newer load wins over an older one still under way. */
  async load(): Promise<void> {
    const token = ++this.token;
    const today = this.clock();
    try {
      const [days, week, month, workflows, backends] = await Promise.all([
        spendReport("day", unixSeconds(firstDay(today))),
        spendReport("week", unixSeconds(mondayOf(today))),
        spendReport("month", unixSeconds(monthStart(today))),
        spendReport("workflow", null),
        spendReport("backend", null),
      ]);
      if (token !== this.token) return;
      this.today = today;
      this.reports = { days, week, month, workflows, backends };
      // The caps the person is typing are theirs until saved.
      if (!this.edited) this.showCaps(days.caps);
    } catch (error) {
      if (token === this.token) this.onerror(error);
    }
  }

  /** The caps in force (as the last report or save said). */
  get caps(): SpendCaps {
    return this.reports?.days.caps ?? { daily: null, monthly: null };
  }

  /** Spent today and this month, pending runs included: what a cap is checked against. */
  get spentToday(): number {
    return this.reports?.days.today ?? 0;
  }
  get spentThisMonth(): number {
    return this.reports?.days.thisMonth ?? 0;
  }

  /** Today's, this week's and this month's rows (null when nothing counted in them). */
  get current(): { today: SpendRow | null; week: SpendRow | null; month: SpendRow | null } {
    const [r, today] = [this.reports, this.today];
    if (r === null || today === null) return { today: null, week: null, month: null };
    const row = (report: SpendReport, key: string) =>
      report.rows.find((x) => x.key === key) ?? null;
    return {
      today: row(r.days, dayKey(today)),
      week: row(r.week, dayKey(mondayOf(today))),
      month: row(r.month, monthKey(today)),
    };
  }

  /** The workflow and backend names the ledger knows, for the History filter menus. */
  get names(): { workflows: string[]; backends: string[] } {
    const keys = (report: SpendReport | undefined) =>
      (report?.rows ?? [])
        .map((row) => row.key)
        .filter((k) => k !== "")
        .sort();
    return { workflows: keys(this.reports?.workflows), backends: keys(this.reports?.backends) };
  }

  edit(which: "daily" | "monthly", text: string): void {
    this[which] = text;
    this.edited = true;
    this.saved = false;
    if (this.invalid === which) this.invalid = null;
  }

  /** Saves both caps (empty: none); resolves with whether they were saved. */
  async saveCaps(): Promise<boolean> {
    const daily = parseCap(this.daily);
    const monthly = parseCap(this.monthly);
    this.invalid = daily === undefined ? "daily" : monthly === undefined ? "monthly" : null;
    if (daily === undefined || monthly === undefined) return false;
    this.saving = true;
    try {
      const caps = await saveSpendCaps({ daily, monthly });
      this.edited = false;
      this.showCaps(caps);
      if (this.reports) this.reports = { ...this.reports, days: { ...this.reports.days, caps } };
      this.saved = true;
      return true;
    } catch (error) {
      this.onerror(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  private showCaps(caps: SpendCaps): void {
    this.daily = capText(caps.daily);
    this.monthly = capText(caps.monthly);
    this.invalid = null;
  }
}
