// A run's numbers in words for the History view: when it started and ended, how long it waited
// (recorded → the service started it) and ran (started → ended), credits, and the status mark.
// Times arrive in unix seconds. Leaves out relative times ("5 minutes ago").

import type { RunStatus } from "../bindings/RunStatus";
import { formatDate } from "../gallery/format";
import { formatCredits } from "../generate/form/credits";
import type { PastRun } from "../host/history";
import { formatElapsed } from "../run/describe";

/** What stands for a number that is not known (yet). */
export const UNKNOWN = "—";

/** A status's mark, shown beside its name (never alone: the name carries the meaning). */
export const STATUS_MARKS: Record<RunStatus, string> = {
  queued: "◷",
  submitted: "▶",
  succeeded: "✓",
  failed: "✕",
  canceled: "⊘",
};

/** Unix seconds as a date and time in the UI's language. */
export function formatTime(seconds: number | null): string {
  return seconds === null ? UNKNOWN : formatDate(seconds * 1000);
}

/** Seconds from being recorded to the service starting it; null until it started. */
export function waited(run: PastRun): number | null {
  return run.startedAt === null ? null : Math.max(0, run.startedAt - run.createdAt);
}

/** Seconds from starting to ending; null until both are known. */
export function ran(run: PastRun): number | null {
  return run.startedAt === null || run.endedAt === null
    ? null
    : Math.max(0, run.endedAt - run.startedAt);
}

/** `0:07`, `12:34`, `1:02:03`, or the unknown mark. */
export function formatSpan(seconds: number | null): string {
  return seconds === null ? UNKNOWN : formatElapsed(seconds * 1000);
}

/** Credits with at most two decimals, or the unknown mark. */
export function formatAmount(credits: number | null): string {
  return credits === null ? UNKNOWN : formatCredits(credits);
}
