// Every run of the session, batch by batch: each run reduced by `reduceRun` from its own job
// events. A batch exists from the moment its start call is sent; its runs join it with their
// `queued` events on the call's channel (or with the ids the call resolves with, whichever comes
// first). Events buffered over a frame fold in one go (`reduceArrivals`). Runs a previous session
// left join batch 0 (`RESUMED_BATCH`, see restore.ts), which no start made and the graph never
// follows. Pure; the queue store keeps one `Queue` and renders what comes out. Leaves out talking
// to the backend, timing, and the order of pending runs (order.ts).

import type { AppError } from "../bindings/AppError";
import type { JobEvent } from "../bindings/JobEvent";
import { IDLE, isActive, isFinished, reduceRun, type RunState } from "./reduce";

export type QueueItem = {
  runId: string;
  /** Which start made it (1, 2, ...). */
  batch: number;
  /** Its place in the batch, from 1. */
  index: number;
  /** The workflow's name, for a run this window did not start (null: named by batch and index). */
  name: string | null;
  state: RunState;
};

/** One start (a Run press, a favourite, "Run again", a retry), with or without runs yet. */
export type Batch = {
  batch: number;
  /** The start call has not answered yet; runs may still join. */
  starting: boolean;
  /** The nodes its runs will go through, when known before their `queued` events (a Run press). */
  nodes: string[];
  /** Why the backend refused the start. */
  error: AppError | null;
  /** Cancel was pressed while it was starting: its runs are cancelled as they become known. */
  cancelRequested: boolean;
};

export type Queue = { items: QueueItem[]; batches: Batch[]; batch: number };

export const EMPTY_QUEUE: Queue = { items: [], batches: [], batch: 0 };

/** The batch of the runs a previous session left: no start of this window made them. */
export const RESUMED_BATCH = 0;

/** Finished runs kept in the panel at most (the active ones are always kept). */
export const KEEP_FINISHED = 30;

function prune(queue: Queue): Queue {
  let finished = queue.items.filter((i) => isFinished(i.state)).length;
  if (finished <= KEEP_FINISHED) return queue;
  const items = queue.items.filter((i) => {
    if (finished > KEEP_FINISHED && isFinished(i.state)) {
      finished--;
      return false;
    }
    return true;
  });
  // A batch record goes with its last run; one still starting stays.
  const batches = queue.batches.filter(
    (b) => b.starting || b.batch === queue.batch || items.some((i) => i.batch === b.batch),
  );
  return { ...queue, items, batches };
}

/** "Clear finished": only the runs under way stay (the journal keeps the others). A batch left
 * without runs goes too, the newest included, so the graph and status line fall back to idle
 * instead of showing its nodes as queued; one still starting stays. */
export function clearFinished(queue: Queue): Queue {
  const items = queue.items.filter((i) => !isFinished(i.state));
  if (items.length === queue.items.length) return queue;
  const batches = queue.batches.filter((b) => b.starting || items.some((i) => i.batch === b.batch));
  return { ...queue, items, batches };
}

function updateBatch(queue: Queue, batch: number, change: Partial<Batch>): Queue {
  if (!queue.batches.some((b) => b.batch === batch)) return queue;
  const batches = queue.batches.map((b) => (b.batch === batch ? { ...b, ...change } : b));
  return { ...queue, batches };
}

/** A start is sent: a batch with no runs yet, shown as starting at once. */
export function beginBatch(queue: Queue, nodes: string[]): Queue {
  const batch = queue.batch + 1;
  const record: Batch = { batch, starting: true, nodes, error: null, cancelRequested: false };
  return prune({ ...queue, batch, batches: [...queue.batches, record] });
}

/** The batch record, if the queue still has it. */
export function batchOf(queue: Queue, batch: number): Batch | undefined {
  return queue.batches.find((b) => b.batch === batch);
}

function addRun(queue: Queue, batch: number, runId: string, state: RunState): Queue {
  const index = queue.items.filter((i) => i.batch === batch).length + 1;
  const item: QueueItem = { runId, batch, index, name: null, state };
  return prune({ ...queue, items: [...queue.items, item] });
}

/** One event on a batch's channel: a `queued` event of a run the queue does not know adds that
 * run to the batch; any other event goes to its run as `reduceQueue` would. */
export function reduceBatchEvent(queue: Queue, batch: number, event: JobEvent): Queue {
  const known = queue.items.some((i) => i.runId === event.runId);
  if (known || event.change.kind !== "queued" || !batchOf(queue, batch)) {
    return reduceQueue(queue, event);
  }
  return addRun(queue, batch, event.runId, reduceRun(IDLE, event.change));
}

/** The start call answered with its run ids: runs whose `queued` event has not come yet join as
 * queued through the batch's known nodes, in the order of the ids. */
export function acceptBatch(queue: Queue, batch: number, runIds: string[]): Queue {
  const record = batchOf(queue, batch);
  if (!record) return queue;
  let next = updateBatch(queue, batch, { starting: false });
  for (const runId of runIds) {
    if (next.items.some((i) => i.runId === runId)) continue;
    next = addRun(next, batch, runId, reduceRun(IDLE, { kind: "queued", nodes: record.nodes }));
  }
  return next;
}

/** The backend refused the start: the batch keeps the error and no runs. */
export function rejectBatch(queue: Queue, batch: number, error: AppError): Queue {
  return updateBatch(queue, batch, { starting: false, error });
}

/** The start ended without runs and nothing to show (declined, or reported elsewhere). */
export function dropBatch(queue: Queue, batch: number): Queue {
  if (!batchOf(queue, batch)) return queue;
  const batches = queue.batches.filter((b) => b.batch !== batch);
  const items = queue.items.filter((i) => i.batch !== batch);
  return { ...queue, batches, items };
}

/** Cancel pressed: every batch still starting cancels its runs as they become known. */
export function requestCancel(queue: Queue): Queue {
  if (!queue.batches.some((b) => b.starting && !b.cancelRequested)) return queue;
  const batches = queue.batches.map((b) => (b.starting ? { ...b, cancelRequested: true } : b));
  return { ...queue, batches };
}

function applyTo(queue: Queue, runId: string, change: JobEvent["change"]): Queue {
  let changed = false;
  const items = queue.items.map((item) => {
    if (item.runId !== runId) return item;
    const state = reduceRun(item.state, change);
    if (state === item.state) return item;
    changed = true;
    return { ...item, state };
  });
  return changed ? { ...queue, items } : queue;
}

/** One job event; events of runs the queue does not know are ignored. */
export function reduceQueue(queue: Queue, event: JobEvent): Queue {
  return applyTo(queue, event.runId, event.change);
}

/** An event as it came: on a batch's channel (`batch`) or on the global listener (null). */
export type Arrival = { batch: number | null; event: JobEvent };

/** Events buffered since the last frame, folded in the order they came, as `reduceBatchEvent`
 * (channel) or `reduceQueue` (global listener) would take them one by one. */
export function reduceArrivals(queue: Queue, arrivals: readonly Arrival[]): Queue {
  return arrivals.reduce(
    (next, { batch, event }) =>
      batch === null ? reduceQueue(next, event) : reduceBatchEvent(next, batch, event),
    queue,
  );
}

/** Runs in `next` but not in `before` whose batch asked to be cancelled while it was starting:
 * they joined too late for the cancel and are cancelled now. */
export function joinedAfterCancel(before: Queue, next: Queue): string[] {
  const known = new Set(before.items.map((i) => i.runId));
  return next.items
    .filter((i) => !known.has(i.runId) && batchOf(next, i.batch)?.cancelRequested)
    .map((i) => i.runId);
}

/** Runs finished in `next` that were not in `before` (a finished run stays as it is). */
export function justEnded(before: Queue, next: Queue): QueueItem[] {
  const was = new Map(before.items.map((i) => [i.runId, i.state]));
  return next.items.filter((i) => isFinished(i.state) && !isFinished(was.get(i.runId) ?? IDLE));
}

/** The items of the newest batch (none before this window starts one: resumed runs are not it). */
export function currentBatch(queue: Queue): QueueItem[] {
  if (queue.batch === RESUMED_BATCH) return [];
  return queue.items.filter((i) => i.batch === queue.batch);
}

/** The run the graph and status line follow: the newest batch's first active run, else its
 * last run. */
export function focusedItem(queue: Queue): QueueItem | null {
  const batch = currentBatch(queue);
  return batch.find((i) => isActive(i.state)) ?? batch.at(-1) ?? null;
}

/** What the graph and status line show: the focused run, or for a newest batch with no runs
 * yet, queued through its nodes while it starts and failed when it was refused. */
export function focusedState(queue: Queue): RunState {
  const item = focusedItem(queue);
  if (item) return item.state;
  const record = batchOf(queue, queue.batch);
  if (!record) return IDLE;
  const queued = reduceRun(IDLE, { kind: "queued", nodes: record.nodes });
  return record.error ? reduceRun(queued, { kind: "failed", ...record.error }) : queued;
}

/** Ids of the runs still under way. */
export function activeRunIds(queue: Queue): string[] {
  return queue.items.filter((i) => isActive(i.state)).map((i) => i.runId);
}

/** Whether any run is under way or any batch still starting. */
export function queueActive(queue: Queue): boolean {
  return queue.batches.some((b) => b.starting) || queue.items.some((i) => isActive(i.state));
}

/** Whether the run waits in Easel's own queue (not yet sent), so it can still be reordered. */
export function isPending(item: QueueItem): boolean {
  return item.state.phase === "queued";
}
