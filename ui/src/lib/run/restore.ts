// The runs a previous session left, joining the queue of a window that opens on them. The app
// resumes them before the window exists, so the window never saw their first events: they join
// from the journal's record (`queue_state`: name, queued or on the service, in the order the
// engine takes them) and follow the global listener from then on. Pure; leaves out asking the
// backend and holding the listener's events until the answer (the queue store does both).

import type { HistoryRun } from "../bindings/HistoryRun";
import type { JobEvent } from "../bindings/JobEvent";
import { reduceArrivals, RESUMED_BATCH, type Queue, type QueueItem } from "./queue";
import type { RunState } from "./reduce";

/** The state a recorded run starts from here; null for one that has ended (not the queue's). */
function recordedState(run: HistoryRun): RunState | null {
  // Its nodes are unknown until an event names them; the graph does not follow these runs.
  const data = { nodes: {}, order: [], overall: 0, images: [], jobId: null };
  if (run.status === "queued") return { phase: "queued", ...data };
  if (run.status === "submitted") return { phase: "submitted", ...data };
  return null;
}

/** Adds the unfinished runs `runs` (the order `queue_state` gives) to the resumed batch, before
 * every run this window started (they are older, and the engine takes them first). A run the
 * queue knows already (it came on a channel while the question was out) is not added twice. */
export function restoreRuns(queue: Queue, runs: readonly HistoryRun[]): Queue {
  const known = new Set(queue.items.map((i) => i.runId));
  let index = queue.items.filter((i) => i.batch === RESUMED_BATCH).length;
  const joined: QueueItem[] = [];
  for (const run of runs) {
    const state = recordedState(run);
    if (state === null || known.has(run.runId)) continue;
    known.add(run.runId);
    joined.push({ runId: run.runId, batch: RESUMED_BATCH, index: ++index, name: run.name, state });
  }
  if (joined.length === 0) return queue;
  return { ...queue, items: [...joined, ...queue.items] };
}

/** The runs of `runs` joined, then the global listener's events held while the question was out,
 * in the order they came. The listener was on before the question went, so what it held is every
 * word of those runs since, some maybe older than the record: replaying a step the record shows
 * already (`submitted`) changes nothing, and the last word wins. Events of runs the answer does
 * not have (ended meanwhile) are dropped, as for any run the queue does not know. */
export function restoreQueue(
  queue: Queue,
  runs: readonly HistoryRun[],
  held: readonly JobEvent[],
): Queue {
  return reduceArrivals(
    restoreRuns(queue, runs),
    held.map((event) => ({ batch: null, event })),
  );
}
