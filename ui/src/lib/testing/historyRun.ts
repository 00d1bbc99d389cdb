// A run as the journal lists it (`HistoryRun`), for tests of what reads `queue_state` and the
// history: an unfinished run of the reference workflow unless the test says otherwise.

import type { HistoryRun } from "../bindings/HistoryRun";

export function historyRun(runId: string, more: Partial<HistoryRun> = {}): HistoryRun {
  return {
    runId,
    name: "reference",
    backend: "demo",
    status: "queued",
    // The bindings say bigint; the backend's JSON brings plain numbers.
    createdAt: 1_700_000_000 as unknown as bigint,
    startedAt: null,
    endedAt: null,
    estimate: 2.4,
    credits: null,
    errorCode: null,
    error: null,
    imageCount: 0,
    images: [],
    sweepId: null,
    sweepCell: null,
    ...more,
  };
}
