// The History view's door to the backend: pages of every run the library's journal holds (the
// window's, the CLI's), one run's recorded document, recall and forget, and the spend ledger with
// its caps. Leaves out starting runs: "Run again" is `retryRun` (re-exported below, as the queue
// uses it).
//
// Times are plain numbers here. ts-rs writes Rust's i64 as `bigint`, but the IPC carries JSON
// numbers both ways (and JSON.stringify refuses a BigInt), so this module speaks numbers and
// converts the types once, at the call; unix seconds stay far below 2^53.

import type { HistoryCursor } from "../bindings/HistoryCursor";
import type { HistoryFilter } from "../bindings/HistoryFilter";
import type { HistoryPage } from "../bindings/HistoryPage";
import type { HistoryRun } from "../bindings/HistoryRun";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { RecordedRun } from "../bindings/RecordedRun";
import type { SpendBy } from "../bindings/SpendBy";
import type { SpendCaps } from "../bindings/SpendCaps";
import type { SpendReport } from "../bindings/SpendReport";
import { call } from "./call";

/** `T` with the `bigint` fields `K` as the numbers they arrive as. */
type InSeconds<T, K extends keyof T> = Omit<T, K> & {
  [P in K]: null extends T[P] ? number | null : number;
};

/** Which runs to list; `since`/`until` in unix seconds. */
export type RunFilter = InSeconds<HistoryFilter, "since" | "until">;
/** Where the next page starts. */
export type RunCursor = InSeconds<HistoryCursor, "createdAt">;
/** One run as the history lists it; times in unix seconds. */
export type PastRun = InSeconds<HistoryRun, "createdAt" | "startedAt" | "endedAt">;
/** A page of runs, newest first. */
export type RunPage = Omit<HistoryPage, "runs" | "next"> & {
  runs: PastRun[];
  next: RunCursor | null;
};

/** Up to `limit` runs matching `filter`, newest first, after `after` (keyset paging). */
export async function historyPage(
  filter: RunFilter,
  after: RunCursor | null,
  limit: number,
): Promise<RunPage> {
  const page = await call("history_page", {
    filter: filter as unknown as HistoryFilter,
    after: after as unknown as HistoryCursor | null,
    limit,
  });
  return page as unknown as RunPage;
}

/** How many runs match `filter` (for "12,345 runs"). */
export function historyCount(filter: RunFilter): Promise<number> {
  return call("history_count", { filter: filter as unknown as HistoryFilter });
}

/** What one run sent, exactly as stored (document, editor graph, uploads). */
export function historyRun(runId: string): Promise<RecordedRun> {
  return call("history_run", { runId });
}

/** A graph run's document, ready for Generate with the values it sent (seeds included). A
 * template run is `unsupported`: it can be run again, not recalled. */
export function historyRecall(runId: string): Promise<OpenedWorkflow> {
  return call("history_recall", { runId });
}

/** Removes a finished run's record; its images stay. `false` when there was none. */
export function historyForget(runId: string): Promise<boolean> {
  return call("history_forget", { runId });
}

/** The ledger grouped `by`, counting runs from `since` (unix seconds) on; `null`: all. */
export function spendReport(by: SpendBy, since: number | null): Promise<SpendReport> {
  return call("spend_report", { by, since });
}

/** Replaces the daily and monthly caps (`null`: no cap); resolves with the caps now in force. */
export function saveSpendCaps(caps: SpendCaps): Promise<SpendCaps> {
  return call("spend_caps_save", { caps });
}

// The History view reaches these through this module too: a run's thumbnails, and "Run again".
export { retryRun, thumbUrl } from "./index";
