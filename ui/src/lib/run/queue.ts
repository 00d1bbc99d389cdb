// Every run of the session, batch by batch: each one reduced by `reduceRun` from its own job
// events. Pure; the session keeps one `Queue` and renders what comes out.

import type { AppError } from "../bindings/AppError";
import type { JobEvent } from "../bindings/JobEvent";
import { IDLE, isActive, isFinished, reduceRun, type RunState } from "./reduce";

export type QueueItem = {
  runId: string;
  /** Which Run press made it (1, 2, ...). */
  batch: number;
  /** Its place in the batch, from 1. */
  index: number;
  state: RunState;
};

export type Queue = { items: QueueItem[]; batch: number };

export const EMPTY_QUEUE: Queue = { items: [], batch: 0 };

/** Finished runs kept in the panel at most (the active ones are always kept). */
export const KEEP_FINISHED = 30;

/** The run id of a batch whose ids the backend has not given yet. */
export function pendingId(batch: number): string {
  return `pending:${batch}`;
}

function prune(items: QueueItem[]): QueueItem[] {
  let finished = items.filter((i) => isFinished(i.state)).length;
  if (finished <= KEEP_FINISHED) return items;
  return items.filter((i) => {
    if (finished > KEEP_FINISHED && isFinished(i.state)) {
      finished--;
      return false;
    }
    return true;
  });
}

/** A Run press: one placeholder, shown at once, until the backend answers with run ids. */
export function beginBatch(queue: Queue, nodes: string[]): Queue {
  const batch = queue.batch + 1;
  const state = reduceRun(IDLE, { kind: "queued", nodes });
  const item: QueueItem = { runId: pendingId(batch), batch, index: 1, state };
  return { batch, items: prune([...queue.items, item]) };
}

/** The backend accepted the batch: the placeholder becomes one item per run id. */
export function acceptBatch(queue: Queue, batch: number, runIds: string[]): Queue {
  const placeholder = queue.items.find((i) => i.runId === pendingId(batch));
  if (!placeholder) return queue;
  const runs = runIds.map((runId, n) => ({ ...placeholder, runId, index: n + 1 }));
  return { ...queue, items: queue.items.flatMap((i) => (i === placeholder ? runs : [i])) };
}

/** The backend refused the batch: the placeholder fails with the error. */
export function rejectBatch(queue: Queue, batch: number, error: AppError): Queue {
  return applyTo(queue, pendingId(batch), { kind: "failed", ...error });
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

/** The items of the newest batch. */
export function currentBatch(queue: Queue): QueueItem[] {
  return queue.items.filter((i) => i.batch === queue.batch);
}

/** The run the graph and status line follow: the newest batch's first active run, else its
 * last run. */
export function focusedItem(queue: Queue): QueueItem | null {
  const batch = currentBatch(queue);
  return batch.find((i) => isActive(i.state)) ?? batch.at(-1) ?? null;
}

/** Ids of the runs still under way that the backend knows (placeholders excluded). */
export function activeRunIds(queue: Queue): string[] {
  return queue.items
    .filter((i) => isActive(i.state) && !i.runId.startsWith("pending:"))
    .map((i) => i.runId);
}

/** Whether any run is under way. */
export function queueActive(queue: Queue): boolean {
  return queue.items.some((i) => isActive(i.state));
}

/** Runs started elsewhere (a favourite, "run again" in the gallery) join the queue as a batch of
 * their own; their nodes arrive with their `queued` events. */
export function trackBatch(queue: Queue, runIds: string[]): Queue {
  if (runIds.length === 0) return queue;
  const started = beginBatch(queue, []);
  return acceptBatch(started, started.batch, runIds);
}

/** Whether the run waits in Easel's own queue (not yet sent), so it can still be reordered. */
export function isPending(item: QueueItem): boolean {
  return item.state.phase === "queued" && !item.runId.startsWith("pending:");
}

/** Moves a pending run one place earlier (`delta` -1) or later (+1) among the pending runs.
 * Returns the new queue and the pending ids in their new order (what the backend is told), or
 * null when the run cannot move. */
export function movePending(
  queue: Queue,
  runId: string,
  delta: -1 | 1,
): { queue: Queue; order: string[] } | null {
  const pending = queue.items.filter(isPending);
  const at = pending.findIndex((i) => i.runId === runId);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= pending.length) return null;
  const reordered = [...pending];
  [reordered[at], reordered[to]] = [reordered[to], reordered[at]];
  // Pending runs keep the slots they occupied; only their order among themselves changes.
  let next = 0;
  const items = queue.items.map((i) => (isPending(i) ? reordered[next++] : i));
  return { queue: { ...queue, items }, order: reordered.map((i) => i.runId) };
}
