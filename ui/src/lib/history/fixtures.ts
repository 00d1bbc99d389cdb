// Test fixtures for the History view: a fake journal of N runs answering keyset-paged requests
// with cursors like the backend's, spend reports, and a stand-in for the host module (for
// vi.mock; this file imports no component, so the mock factory can load it). Used by tests only.

import { vi } from "vitest";
import type { RecordedRun } from "../bindings/RecordedRun";
import type { RunStatus } from "../bindings/RunStatus";
import type { SpendBy } from "../bindings/SpendBy";
import type { SpendReport } from "../bindings/SpendReport";
import type { SpendRow } from "../bindings/SpendRow";
import type * as Door from "../host/history";
import type { PastRun, RunCursor, RunPage } from "../host/history";

/** When fake run 0 was recorded (unix seconds); each older run is a minute earlier. */
export const NEWEST = 1_764_700_000;
const STATUSES: RunStatus[] = ["succeeded", "succeeded", "failed", "canceled"];

/** Fake run number `n` (0 is the newest). */
export function pastRun(n: number, over: Partial<PastRun> = {}): PastRun {
  const status = STATUSES[n % STATUSES.length];
  const createdAt = NEWEST - n * 60;
  const failed = status === "failed";
  return {
    runId: `run-${String(n).padStart(6, "0")}`,
    name: n % 2 === 0 ? "reference" : "portrait",
    backend: "Tensor.Art",
    status,
    createdAt,
    startedAt: createdAt + 5,
    endedAt: createdAt + 47,
    estimate: 2.4,
    credits: failed ? null : 2.4,
    errorCode: failed ? "jobFailed" : null,
    error: failed ? "the sampler ran out of memory" : null,
    imageCount: failed ? 0 : 2,
    images: failed
      ? []
      : [
          { id: n * 10 + 1, path: `/lib/${n}-1.png`, width: 1024, height: 1024 },
          { id: null, path: `/lib/${n}-2.png`, width: 1024, height: 1024 },
        ],
    sweepId: null,
    sweepCell: null,
    ...over,
  };
}

/** A journal of `count` runs answering `historyPage` like the backend (newest first). */
export function fakeJournal(count: number) {
  return (_filter: unknown, after: RunCursor | null, limit: number): Promise<RunPage> => {
    const start = after === null ? 0 : Number(after.runId.slice(4)) + 1;
    const end = Math.min(count, start + limit);
    const runs = Array.from({ length: Math.max(0, end - start) }, (_, i) => pastRun(start + i));
    const last = runs.at(-1);
    const next = end < count && last ? { createdAt: last.createdAt, runId: last.runId } : null;
    return Promise.resolve({ runs, next, skipped: 0 });
  };
}

export function spendRow(key: string, charged: number, over: Partial<SpendRow> = {}): SpendRow {
  return { key, runs: 1, failed: 0, charged, estimated: charged, pending: 0, ...over };
}

/** A report grouped `by` with these rows (caps and today's spend as given). */
export function report(
  by: SpendBy,
  rows: SpendRow[],
  over: Partial<SpendReport> = {},
): SpendReport {
  const sum = (f: (r: SpendRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  return {
    by,
    rows,
    total: {
      key: "total",
      runs: sum((r) => r.runs),
      failed: sum((r) => r.failed),
      charged: sum((r) => r.charged),
      estimated: sum((r) => r.estimated),
      pending: sum((r) => r.pending),
    },
    today: 0,
    thisMonth: 0,
    caps: { daily: null, monthly: null },
    ...over,
  };
}

export function recorded(runId: string, over: Partial<RecordedRun> = {}): RecordedRun {
  return {
    runId,
    name: "reference",
    kind: "graph",
    document: '{"3":{"class_type":"KSampler","inputs":{"seed":42}}}',
    editor: null,
    uploads:
      '[{"nodeId":"12","input":"image","file":"/pics/cat.png","sha256":"ab","resource":"res-9","reused":false}]',
    ...over,
  };
}

/** The host module as tests see it: every command a mock, the thumbnail URL as on Linux. */
export function hostModule() {
  return {
    historyPage: vi.fn(),
    historyCount: vi.fn(),
    historyRun: vi.fn(),
    historyRecall: vi.fn(),
    historyForget: vi.fn(),
    spendReport: vi.fn(),
    saveSpendCaps: vi.fn(),
    retryRun: vi.fn(),
    thumbUrl: (id: number) => `easel://localhost/thumb/${id}`,
  };
}

/** Sensible answers for every command, over a journal of `count` runs. */
export function answer(door: typeof Door, count: number) {
  const m = vi.mocked(door);
  m.historyPage.mockImplementation(fakeJournal(count));
  m.historyCount.mockResolvedValue(count);
  m.historyRun.mockImplementation(async (runId) => recorded(runId));
  m.historyRecall.mockResolvedValue({
    doc: { name: "reference", nodes: [] },
    format: "comfyApi",
    warnings: [],
    fields: [],
  });
  m.historyForget.mockResolvedValue(true);
  m.spendReport.mockImplementation(async (by) =>
    report(
      by,
      by === "workflow"
        ? [spendRow("reference", 4.8), spendRow("portrait", 2.4)]
        : by === "backend"
          ? [spendRow("Tensor.Art", 7.2)]
          : [],
    ),
  );
  m.saveSpendCaps.mockImplementation(async (caps) => caps);
  m.retryRun.mockResolvedValue("run-new");
}
