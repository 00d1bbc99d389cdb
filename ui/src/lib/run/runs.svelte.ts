// The queue store: every batch this window started, the runs in them, and how long the newest
// ones have been going. Each start call gets its batch's event handler, so the runs' events (from
// the call's own channel) go straight into the pure queue reducer; events on the global listener
// only ever update runs already known. Leaves out what a batch runs (the Generate view's document,
// a favourite, an image) and the cost question (`withConsent`, asked by whoever starts).

import type { AppError } from "../bindings/AppError";
import type { JobEvent } from "../bindings/JobEvent";
import type { SavedImage } from "../bindings/SavedImage";
import { toAppError } from "../errors";
import * as host from "../host";
import { t } from "../i18n/index.svelte";
import {
  acceptBatch,
  activeRunIds,
  batchOf,
  beginBatch,
  currentBatch,
  dropBatch,
  EMPTY_QUEUE,
  focusedState,
  movePending,
  queueActive,
  reduceBatchEvent,
  reduceQueue,
  rejectBatch,
  requestCancel,
  type Queue,
} from "./queue";
import { withConsent } from "./consent.svelte";
import { IDLE, isFinished, type RunState } from "./reduce";

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
  /** Images of the newest batch, in arrival order per run. */
  readonly images: SavedImage[] = $derived(
    currentBatch(this.queue).flatMap((i) => (i.state.phase === "idle" ? [] : i.state.images)),
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
    if (restartClock || this.startedAt === null || this.endedAt !== null) {
      this.startedAt = this.#clock();
      this.now = this.startedAt;
      this.endedAt = null;
    }
    this.queue = beginBatch(this.queue, nodes);
    const batch = this.queue.batch;
    this.#startTicker();
    return {
      batch,
      onEvent: (event) => this.#joining(batch, reduceBatchEvent(this.queue, batch, event)),
    };
  }

  /** The start call answered with its run ids. */
  accept(batch: number, runIds: string[]): void {
    this.#joining(batch, acceptBatch(this.queue, batch, runIds));
  }

  /** The backend refused the start: the batch shows the error, and so does the banner. */
  reject(batch: number, error: AppError): void {
    this.#update(rejectBatch(this.queue, batch, error));
    this.#onError(error);
  }

  /** The start ended with nothing to show here (declined, or its error is shown elsewhere). */
  drop(batch: number): void {
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
    const moved = movePending(this.queue, runId, delta);
    if (!moved) return;
    this.queue = moved.queue;
    try {
      await host.reorderRuns(moved.order);
    } catch (error) {
      this.#onError(toAppError(error));
    }
  }

  /** Cancels every run under way, and those of batches still starting as they become known (or
   * one run). The verdict arrives as an event. */
  async cancel(runId?: string): Promise<void> {
    if (runId === undefined) this.queue = requestCancel(this.queue);
    await this.#cancelRuns(runId === undefined ? activeRunIds(this.queue) : [runId]);
  }

  /** An event from the global listener: only runs already in the queue take it. */
  receive(event: JobEvent): void {
    this.#update(reduceQueue(this.queue, event));
  }

  dispose(): void {
    this.#stopTicker();
  }

  /** Applies `next`; runs that just joined a batch whose cancel was requested are cancelled. */
  #joining(batch: number, next: Queue): void {
    const before = this.queue;
    this.#update(next);
    if (!batchOf(next, batch)?.cancelRequested) return;
    const joined = next.items.filter(
      (i) => i.batch === batch && !before.items.some((b) => b.runId === i.runId),
    );
    if (joined.length > 0) void this.#cancelRuns(joined.map((i) => i.runId));
  }

  async #cancelRuns(ids: string[]): Promise<void> {
    const results = await Promise.allSettled(ids.map((id) => host.cancelRun(id)));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) this.#onError(toAppError(failed.reason));
  }

  #update(next: Queue): void {
    const before = this.queue;
    if (next === before) return;
    this.queue = next;
    const failed = next.items.find(
      (i) =>
        i.state.phase === "failed" &&
        before.items.find((b) => b.runId === i.runId)?.state.phase !== "failed",
    );
    if (failed && failed.state.phase === "failed") this.#onError(failed.state.error);
    if (queueActive(before) && !queueActive(next)) {
      this.endedAt = this.#clock();
      this.#stopTicker();
      if (!this.#focused()) this.#notifyEnd(before, next);
    }
  }

  /** Tells the desktop how the runs that just ended went (the window is in the background). */
  #notifyEnd(before: Queue, next: Queue): void {
    const ended = next.items.filter(
      (i) =>
        isFinished(i.state) &&
        !isFinished(before.items.find((b) => b.runId === i.runId)?.state ?? IDLE),
    );
    // A start that ended without runs (declined, refused) has nothing to report.
    if (ended.length === 0) return;
    const failed = ended.filter((i) => i.state.phase === "failed").length;
    const images = ended.reduce(
      (n, i) => n + (i.state.phase === "idle" ? 0 : i.state.images.length),
      0,
    );
    const title = failed > 0 ? t("notify.failedTitle") : t("notify.doneTitle");
    const body =
      failed > 0
        ? t("notify.failedBody", { failed, runs: ended.length })
        : t("notify.doneBody", { runs: ended.length, images });
    host.notify(title, body).catch(() => {
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
