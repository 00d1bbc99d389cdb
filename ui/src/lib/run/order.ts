// The order of the runs that wait in Easel's own queue (not yet sent to the service): one place
// earlier or later, or a chosen few to the front or the back. Pending runs keep the slots they
// occupy in the queue's list and only swap among themselves, so the runs on the service and the
// finished ones do not move. Each function also returns the ids the backend is told, in the order
// it wants them (`reorder_runs`, `queue_send_back`). Pure; leaves out the call itself.

import { isPending, type Queue, type QueueItem } from "./queue";

/** A new order of the pending runs and what to tell the backend; null when nothing moves. */
export type Reordered = { queue: Queue; order: string[] };

/** `queue` with its pending runs in the order `pending` (a permutation of them). */
function withPending(queue: Queue, pending: QueueItem[]): Queue {
  let next = 0;
  const items = queue.items.map((i) => (isPending(i) ? pending[next++] : i));
  return { ...queue, items };
}

/** Moves a pending run one place earlier (`delta` -1) or later (+1) among the pending runs; the
 * order told is every pending id in its new order. */
export function movePending(queue: Queue, runId: string, delta: -1 | 1): Reordered | null {
  const pending = queue.items.filter(isPending);
  const at = pending.findIndex((i) => i.runId === runId);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= pending.length) return null;
  const reordered = [...pending];
  [reordered[at], reordered[to]] = [reordered[to], reordered[at]];
  return { queue: withPending(queue, reordered), order: reordered.map((i) => i.runId) };
}

/** Splits the pending runs into those among `ids` and the others, both in queue order. */
function split(queue: Queue, ids: readonly string[]): [QueueItem[], QueueItem[]] {
  const chosen = new Set(ids);
  const pending = queue.items.filter(isPending);
  return [pending.filter((i) => chosen.has(i.runId)), pending.filter((i) => !chosen.has(i.runId))];
}

/** Puts the pending runs among `ids` first, keeping their order among themselves; the order told
 * is theirs (`reorder_runs` keeps the others' order behind them). Runs no longer pending (sent,
 * finished, unknown) are left out. */
export function moveToFront(queue: Queue, ids: readonly string[]): Reordered | null {
  const [chosen, others] = split(queue, ids);
  if (chosen.length === 0) return null;
  return { queue: withPending(queue, [...chosen, ...others]), order: chosen.map((i) => i.runId) };
}

/** Puts the pending runs among `ids` last, keeping their order among themselves. */
export function moveToBack(queue: Queue, ids: readonly string[]): Reordered | null {
  const [chosen, others] = split(queue, ids);
  if (chosen.length === 0) return null;
  return { queue: withPending(queue, [...others, ...chosen]), order: chosen.map((i) => i.runId) };
}
