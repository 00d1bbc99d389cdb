// The queue store: every batch this window started, the runs in them, and the runs a previous
// session left (taken in at launch by `restore`, with whether the queue is paused). Each start
// call gets its batch's event handler; the runs' events (from the call's own channel, or the
// global listener, which only ever updates runs already known) are buffered and folded into the
// queue once per frame (`reduceArrivals`), so a burst of progress costs one render. Every action
// applies what is buffered first, so nothing overtakes an event that came before it. The
// queue-wide actions are here too: pause, cancel all, clear finished, bulk cancel / retry /
// move, run next. Leaves out what a batch runs (the Generate view's document, a favourite, an
// image: the session hands in how to run the document), the cost question (`withConsent`, asked
// by whoever starts) and the elapsed-time clock (stopwatch.svelte.ts).

import type { AppError } from "../bindings/AppError";
import type { JobEvent } from "../bindings/JobEvent";
import type { SavedImage } from "../bindings/SavedImage";
import { NO_HOST, toAppError } from "../errors";
import * as host from "../host";
import * as queueHost from "../host/queue";
import {
  acceptBatch,
  activeRunIds,
  beginBatch,
  clearFinished,
  currentBatch,
  dropBatch,
  EMPTY_QUEUE,
  focusedState,
  joinedAfterCancel,
  justEnded,
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
import { movePending, moveToBack, moveToFront, type Reordered } from "./order";
import { isActive, isFinished, type RunState } from "./reduce";
import { restoreQueue } from "./restore";
import { stableList } from "./stable";
import { Stopwatch } from "./stopwatch.svelte";

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
  /** Runs the Generate view's document as Run does (cost question included); resolves with the
   * run ids, null when none started. What "Run next" starts. */
  runDocument?: () => Promise<string[] | null>;
  /** Whether the document can run now (what enables Run). */
  canRunDocument?: () => boolean;
};

/** A batch just begun: its number and the handler for its channel's events. */
export type BatchStart = { batch: number; onEvent: (event: JobEvent) => void };

export class RunQueue {
  queue = $state.raw<Queue>(EMPTY_QUEUE);
  /** Nothing new is sent to the service (runs on it go on); kept by the backend across restarts. */
  paused = $state(false);

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

  #watch: Stopwatch;
  #focused: () => boolean;
  #onError: (error: AppError) => void;
  /** Events since the last frame, in the order they came. */
  #arrivals: Arrival[] = [];
  #cancelFrame: (() => void) | null = null;
  /** Runs that ended since the queue was last idle: the end notice reports all of them, not
   * only those of the last frame. */
  #endedSinceIdle: QueueItem[] = [];
  #disposed = false;
  /** Global listener events held while `restore` waits for the backend (null: not waiting). */
  #held: JobEvent[] | null = null;
  #runDocument: () => Promise<string[] | null>;
  #canRunDocument: () => boolean;

  constructor(options: RunQueueOptions = {}) {
    this.#watch = new Stopwatch(options.clock ?? (() => Date.now()), options.tickMs ?? 250);
    this.#focused = options.focused ?? (() => globalThis.document?.hasFocus() ?? true);
    this.#onError = options.onError ?? (() => {});
    this.#runDocument = options.runDocument ?? (async () => null);
    this.#canRunDocument = options.canRunDocument ?? (() => false);
  }

  /** How long the newest runs have been going (what the run bar shows). */
  get elapsedMs(): number {
    return this.#watch.elapsedMs;
  }

  /** Whether "Run next" can start the document now. */
  get canRunNext(): boolean {
    return this.#canRunDocument();
  }

  /** Takes in the runs a previous session left (queued or on the service, in the engine's order)
   * and whether the queue is paused. Call before the global listener is on; `listening` resolves
   * once it is: the backend is asked only then, so no event falls between its answer and what
   * the listener hears. What the listener hears until the answer is held and applied after the
   * runs join, so their events are neither lost nor applied to runs that are not there yet. */
  async restore(listening: Promise<unknown>): Promise<void> {
    this.#held ??= [];
    try {
      await listening;
      const state = await queueHost.queueState();
      if (this.#disposed) return;
      this.flush();
      const held = this.#held ?? [];
      this.#held = null;
      this.paused = state.paused;
      this.#update(restoreQueue(this.queue, state.runs, held));
    } catch (error) {
      this.#release();
      const failure = toAppError(error);
      // Outside the app there is no queue to restore, and nothing is wrong.
      if (failure.code !== NO_HOST) this.#onError(failure);
    }
  }

  /** Lets held events go as if they had just come (restore failed: no run joins for them). */
  #release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const event of held) this.#arrive({ batch: null, event });
  }

  /** A start call is about to be sent: its batch shows as starting at once. `nodes` are what its
   * runs will go through, when known; `restartClock` times from now even if others run. */
  begin(nodes: string[], restartClock = false): BatchStart {
    this.flush();
    this.#watch.start(restartClock);
    this.#show(beginBatch(this.queue, nodes));
    const batch = this.queue.batch;
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

  /** Retries each of these runs that has finished, one after the other (each may ask about
   * its cost); runs still under way are left alone. */
  async retryAll(runIds: readonly string[]): Promise<void> {
    this.flush();
    const finished = this.queue.items.filter(
      (i) => runIds.includes(i.runId) && isFinished(i.state),
    );
    for (const item of finished) await this.retry(item.runId);
  }

  /** Starts the Generate view's document the way Run does, then puts its runs at the front of
   * the queue (those the service has taken already stay where they are). */
  async runNext(): Promise<void> {
    const ids = await this.#runDocument();
    if (ids !== null && ids.length > 0) await this.toFront(ids);
  }

  /** Moves a pending run earlier (-1) or later (+1) in Easel's queue. */
  async move(runId: string, delta: -1 | 1): Promise<void> {
    this.flush();
    await this.#reorder(movePending(this.queue, runId, delta), host.reorderRuns);
  }

  /** Puts these pending runs first in Easel's queue, in their present order among themselves. */
  async toFront(runIds: readonly string[]): Promise<void> {
    this.flush();
    await this.#reorder(moveToFront(this.queue, runIds), host.reorderRuns);
  }

  /** Puts these pending runs last in Easel's queue, in their present order among themselves. */
  async toBack(runIds: readonly string[]): Promise<void> {
    this.flush();
    await this.#reorder(moveToBack(this.queue, runIds), queueHost.sendRunsBack);
  }

  /** Pauses (nothing new is sent; runs on the service go on) or resumes; shows what the backend
   * answers, which it keeps across restarts. */
  async setPaused(paused: boolean): Promise<void> {
    try {
      this.paused = await queueHost.pauseQueue(paused);
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  /** Cancels every pending run and, with `running`, the runs on the service too, whoever
   * started them (resumed runs included); with `running`, batches still starting cancel their
   * runs as they become known, as Cancel does. The verdicts arrive as events. */
  async cancelAll(running: boolean): Promise<void> {
    this.flush();
    if (running) this.#show(requestCancel(this.queue));
    try {
      await queueHost.cancelQueue(running);
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  /** Cancels each of these runs still under way. */
  async cancelEach(runIds: readonly string[]): Promise<void> {
    this.flush();
    const active = this.queue.items.filter((i) => runIds.includes(i.runId) && isActive(i.state));
    await this.#cancelRuns(active.map((i) => i.runId));
  }

  /** Takes the finished runs off the panel (the journal and History keep them). */
  clearFinished(): void {
    this.flush();
    this.#show(clearFinished(this.queue));
  }

  /** Cancels every run under way, and those of batches still starting as they become known (or
   * one run). The verdict arrives as an event. */
  async cancel(runId?: string): Promise<void> {
    this.flush();
    if (runId === undefined) this.#show(requestCancel(this.queue));
    await this.#cancelRuns(runId === undefined ? activeRunIds(this.queue) : [runId]);
  }

  /** An event from the global listener: only runs already in the queue take it (held while
   * `restore` waits, so the runs it brings take theirs). The first event of a run the queue does
   * not know (one the engine adopted after launch: a process that left it ended later) asks for
   * the queue again, as at launch, so that run joins with its name instead of being dropped. */
  receive(event: JobEvent): void {
    if (this.#held !== null && !this.#disposed) {
      this.#held.push(event);
      return;
    }
    if (event.change.kind === "queued" && !this.queue.items.some((i) => i.runId === event.runId)) {
      this.#held = [event];
      void this.restore(Promise.resolve());
      return;
    }
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
    this.#held = null;
    this.#watch.dispose();
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

  /** Shows a new order of the pending runs and tells the backend (`tell`) the ids it wants. */
  async #reorder(moved: Reordered | null, tell: (order: string[]) => Promise<void>): Promise<void> {
    if (!moved) return;
    this.#show(moved.queue);
    try {
      await tell(moved.order);
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  async #cancelRuns(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
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
      this.#watch.stop();
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
}
