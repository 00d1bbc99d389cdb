// The run queue's door to the backend, beyond one run's cancel, retry and reorder (those are in
// host/index.ts): pause and resume, send runs to the back, cancel all, and the queue as it stands
// for a window that opens on runs a previous session left. Leaves out the runs' events, which come
// on their start call's channel or on the global listener (`onJobEvent`).

import type { QueueState } from "../bindings/QueueState";
import { call } from "./call";

/** Holds back every pending run (`true`: nothing new is sent, runs on the service go on) or lets
 * them go; resolves with the state now in force, which outlives a restart. */
export function pauseQueue(paused: boolean): Promise<boolean> {
  return call("queue_pause", { paused });
}

/** Moves pending runs to the back of the queue, in this order (kept across restarts). */
export function sendRunsBack(last: string[]): Promise<void> {
  return call("queue_send_back", { last });
}

/** Cancels every pending run and, with `running`, every run on the service too; resolves with
 * the ids canceled. Each run's `canceled` event still arrives as usual. */
export function cancelQueue(running: boolean): Promise<string[]> {
  return call("queue_cancel", { running });
}

/** Whether the queue is paused, and every unfinished run: those on the service first (oldest
 * first), then the pending ones in queue order. */
export function queueState(): Promise<QueueState> {
  return call("queue_state");
}
