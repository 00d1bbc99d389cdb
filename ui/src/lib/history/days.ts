// Local calendar days, weeks and months as the spend ledger names them: days `YYYY-MM-DD`, weeks
// by their Monday, months `YYYY-MM` (SQLite's 'localtime' on the same machine, so the window's
// time zone is the ledger's). Pure. Leaves out other week starts: the ledger's weeks begin on
// Monday.

/** Now, as the Spend panel asks its reports for (tests pass their own). */
export const now = (): Date => new Date();

/** Unix seconds of `date`. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** The local date of `date` as the ledger writes it. */
export function dayKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The month of `date` as the ledger writes it. */
export function monthKey(date: Date): string {
  return dayKey(date).slice(0, 7);
}

/** Local midnight `back` days before the day `date` is in. */
export function daysBefore(date: Date, back: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() - back);
}

/** Local midnight of the Monday of the week `date` is in. */
export function mondayOf(date: Date): Date {
  return daysBefore(date, (date.getDay() + 6) % 7);
}

/** Local midnight of the first day of the month `date` is in. */
export function monthStart(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), 1);
}
