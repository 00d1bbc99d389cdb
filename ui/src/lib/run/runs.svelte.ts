// The queue store: every batch this window started, the runs in them, and how long the newest
// ones have been going. Each start call gets its batch's event handler; the runs' events (from
// the call's own channel, or the global listener, which only ever updates runs already known)
// are buffered and folded into the queue once per frame (`reduceArrivals`), so a burst of
// progress costs one render. Every action applies what is buffered first, so nothing overtakes
// an event that came before it. Leaves out what a batch runs (the Generate view's document, a
// favourite, an image) and the cost question (`withConsent`, asked by whoever starts).

import type { AppError } from "../bindings/AppError";
import type { JobEvent } from "../bindings/JobEvent";
import type { SavedImage } from "../bindings/SavedImage";
import { toAppError } from "../errors";
import * as host from "../host";
import {
  acceptBatch,
  activeRunIds,
  beginBatch,
  currentBatch,
  dropBatch,
  EMPTY_QUEUE,
  focusedState,
  joinedAfterCancel,
  justEnded,
  movePending,
  queueActive,
  reduceArrivals,
  rejectBatch,
  requestCancel,
  type Arrival,
  type Queue,
  type QueueItem,
} from "./queue";
import { withConsent } from "./consent.svelte";
import { endNotice } from "./describe";
import { nextFrame } from "./frame";
import { RunNodes } from "./nodes.svelte";
import type { RunState } from "./reduce";
import { stableList } from "./stable";

/** Hands a start call the handler of its batch; resolves with the ids it started (null: none,
 * e.g. the cost was declined). What the favourites and gallery are given to start runs. */
export type StartRuns = (
  start: (onEvent: (event: JobEvent) => void) => Promise<string[] | null>,
) => Promise<string[] | null>;

export type RunQueueOptions = {
  /** Milliseconds clock for elapsed time (tests pass a fake one). */
  clock?: () => number;
  /** How often the elapsed time refreshes while a run is under way. */
  tickMs?: number;
  /** Whether the window has the focus (no notification then). */
  focused?: () => boolean;
  /** A run failed or an action on the queue did: what the banner should show. */
  onError?: (error: AppError) => void;
};

/** A batch just begun: its number and the handler for its channel's events. */
export type BatchStart = { batch: number; onEvent: (event: JobEvent) => void };

export class RunQueue {
  queue = $state.raw<Queue>(EMPTY_QUEUE);
  startedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  now = $state(0);

  /** The run the graph and status line follow. */
  readonly run: RunState = $derived(focusedState(this.queue));
  /** The node states of that run, one entry per node (what the graph's cards read). */
  readonly nodes = new RunNodes();
  #sameImages = stableList<SavedImage>();
  /** Images of the newest batch, in arrival order per run; the same array until one arrives. */
  readonly images: SavedImage[] = $derived(
    this.#sameImages(
      currentBatch(this.queue).flatMap((i) => (i.state.phase === "idle" ? [] : i.state.images)),
    ),
  );
  readonly active: boolean = $derived(queueActive(this.queue));
  readonly elapsedMs: number = $derived(
    this.startedAt === null ? 0 : (this.endedAt ?? this.now) - this.startedAt,
  );

  #ticker: ReturnType<typeof setInterval> | null = null;
  #clock: () => number;
  #tickMs: number;
  #focused: () => boolean;
  #onError: (error: AppError) => void;
  /** Events since the last frame, in the order they came. */
  #arrivals: Arrival[] = [];
  #cancelFrame: (() => void) | null = null;
  /** Runs that ended since the queue was last idle: the end notice reports all of them, not
   * only those of the last frame. */
  #endedSinceIdle: QueueItem[] = [];
  #disposed = false;

  constructor(options: RunQueueOptions = {}) {
    this.#clock = options.clock ?? (() => Date.now());
    this.#focused = options.focused ?? (() => globalThis.document?.hasFocus() ?? true);
    this.#tickMs = options.tickMs ?? 250;
    this.#onError = options.onError ?? (() => {});
    this.now = this.#clock();
  }

  /** A start call is about to be sent: its batch shows as starting at once. `nodes` are what its
   * runs will go through, when known; `restartClock` times from now even if others run. */
  begin(nodes: string[], restartClock = false): BatchStart {
    this.flush();
    if (restartClock || this.startedAt === null || this.endedAt !== null) {
      this.startedAt = this.#clock();
      this.now = this.startedAt;
      this.endedAt = null;
    }
    this.#show(beginBatch(this.queue, nodes));
    const batch = this.queue.batch;
    this.#startTicker();
    return { batch, onEvent: (event) => this.#arrive({ batch, event }) };
  }

  /** The start call answered with its run ids (events that came before them apply first). */
  accept(batch: number, runIds: string[]): void {
    this.flush();
    this.#update(acceptBatch(this.queue, batch, runIds));
  }

  /** The backend refused the start: the batch shows the error, and so does the banner. */
  reject(batch: number, error: AppError): void {
    this.flush();
    this.#update(rejectBatch(this.queue, batch, error));
    this.#onError(error);
  }

  /** The start ended with nothing to show here (declined, or its error is shown elsewhere). */
  drop(batch: number): void {
    this.flush();
    this.#update(dropBatch(this.queue, batch));
  }

  /** Starts runs from another view (a favourite, "Run again"): a batch of its own whose runs'
   * nodes arrive with their `queued` events. A failure is rethrown for the caller to show. */
  readonly follow: StartRuns = async (start) => {
    const { batch, onEvent } = this.begin([]);
    try {
      const ids = await start(onEvent);
      if (ids === null) this.drop(batch);
      else this.accept(batch, ids);
      return ids;
    } catch (error) {
      this.drop(batch);
      throw error;
    }
  };

  /** Runs a finished run's graph again as a new batch. */
  async retry(runId: string): Promise<void> {
    try {
      await this.follow(async (onEvent) => {
        const id = await withConsent((approved) => host.retryRun(runId, onEvent, approved));
        return id === null ? null : [id];
      });
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  /** Moves a pending run earlier (-1) or later (+1) in Easel's queue. */
  async move(runId: string, delta: -1 | 1): Promise<void> {
    this.flush();
    const moved = movePending(this.queue, runId, delta);
    if (!moved) return;
    this.#show(moved.queue);
    try {
      await host.reorderRuns(moved.order);
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  /** Cancels every run under way, and those of batches still starting as they become known (or
   * one run). The verdict arrives as an event. */
  async cancel(runId?: string): Promise<void> {
    this.flush();
    if (runId === undefined) this.#show(requestCancel(this.queue));
    await this.#cancelRuns(runId === undefined ? activeRunIds(this.queue) : [runId]);
  }

  /** An event from the global listener: only runs already in the queue take it. */
  receive(event: JobEvent): void {
    this.#arrive({ batch: null, event });
  }

  /** Applies the buffered events now, in one change, instead of at the next frame. */
  flush(): void {
    this.#cancelFrame?.();
    this.#cancelFrame = null;
    if (this.#arrivals.length === 0) return;
    const arrivals = this.#arrivals;
    this.#arrivals = [];
    this.#update(reduceArrivals(this.queue, arrivals));
  }

  /** Stops the clock and the pending frame; events that still come are dropped. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelFrame?.();
    this.#cancelFrame = null;
    this.#arrivals = [];
    this.#stopTicker();
  }

  #arrive(arrival: Arrival): void {
    if (this.#disposed) return;
    this.#arrivals.push(arrival);
    this.#cancelFrame ??= nextFrame(() => {
      this.#cancelFrame = null;
      this.flush();
    });
  }

  /** Makes `next` the queue and the shown run's nodes its nodes. */
  #show(next: Queue): void {
    this.queue = next;
    this.nodes.show(this.run);
  }

  async #cancelRuns(ids: string[]): Promise<void> {
    const results = await Promise.allSettled(ids.map((id) => host.cancelRun(id)));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) this.#onError(toAppError(failed.reason));
  }

  /** Applies `next`: the banner shows a run that just failed, runs that joined a batch whose
   * cancel was requested are cancelled, and the clock stops (and the desktop hears) when the
   * last run ends. */
  #update(next: Queue): void {
    const before = this.queue;
    if (next === before) return;
    this.#show(next);
    const ended = justEnded(before, next);
    // Runs that failed in the same frame share one banner: the newest run's error.
    const failed = ended.filter((i) => i.state.phase === "failed").at(-1)?.state;
    if (failed?.phase === "failed") this.#onError(failed.error);
    const joined = joinedAfterCancel(before, next);
    if (joined.length > 0) void this.#cancelRuns(joined);
    this.#endedSinceIdle.push(...ended);
    if (queueActive(before) && !queueActive(next)) {
      this.endedAt = this.#clock();
      this.#stopTicker();
      const all = this.#endedSinceIdle;
      this.#endedSinceIdle = [];
      if (!this.#focused()) this.#notifyEnd(all);
    }
  }

  /** Tells the desktop how the runs that ended since the queue was idle went (the window is in
   * the background). */
  #notifyEnd(ended: QueueItem[]): void {
    const notice = endNotice(ended.map((i) => i.state));
    if (notice === null) return;
    host.notify(notice.title, notice.body).catch(() => {
      // No notification service (a bare session): the window still shows the result.
    });
  }

  #startTicker(): void {
    this.#stopTicker();
    this.#ticker = setInterval(() => (this.now = this.#clock()), this.#tickMs);
  }

  #stopTicker(): void {
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}
