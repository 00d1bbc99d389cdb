// The app's state: the open workflow (edited in place), its generated form, the backend, the
// selection and the queue of runs. Talks to the backend only through the host door; run progress
// comes only from job events, reduced per run by `reduceQueue`.

import type { BackendInfo } from "./bindings/BackendInfo";
import type { JobEvent } from "./bindings/JobEvent";
import type { NodeDoc } from "./bindings/NodeDoc";
import type { OpenedWorkflow } from "./bindings/OpenedWorkflow";
import type { SavedImage } from "./bindings/SavedImage";
import type { Settings } from "./bindings/Settings";
import type { WorkflowDoc } from "./bindings/WorkflowDoc";
import { toAppError, type AppError } from "./errors";
import { imageDropTarget } from "./form/imageDrop";
import { FormState } from "./form/state.svelte";
import * as host from "./host";
import { loadSettings } from "./host/settings";
import { t } from "./i18n/index.svelte";
import {
  acceptBatch,
  activeRunIds,
  beginBatch,
  currentBatch,
  EMPTY_QUEUE,
  focusedItem,
  movePending,
  queueActive,
  reduceQueue,
  rejectBatch,
  trackBatch,
  type Queue,
} from "./run/queue";
import { consent, withConsent, type CostQuestion } from "./run/consent.svelte";
import { IDLE, isFinished, type RunState } from "./run/reduce";
import { sameValue, type ValueInput } from "./workflow/inputs";

export type LoadState = "loading" | "ready" | "failed";

export type SessionOptions = {
  /** Milliseconds clock for elapsed time (tests pass a fake one). */
  clock?: () => number;
  /** How often the elapsed time refreshes while a run is under way. */
  tickMs?: number;
  /** How long after the last edit the form, problems and estimate refresh. */
  refreshMs?: number;
  /** Whether the window has the focus (no notification then). */
  focused?: () => boolean;
};

/** Credits above which a run asks first, until Settings say otherwise. */
export const DEFAULT_CONFIRM_ABOVE = 10;

/** A batch waiting for the person to accept its expected cost. */
export type { CostQuestion } from "./run/consent.svelte";

export class Session {
  load = $state<LoadState>("loading");
  doc = $state<WorkflowDoc | null>(null);
  backend = $state<BackendInfo | null>(null);
  selectedId = $state<string | null>(null);
  queue = $state.raw<Queue>(EMPTY_QUEUE);
  /** The error the banner shows, until dismissed or the next run. */
  error = $state.raw<AppError | null>(null);
  /** What the last import changed or skipped. */
  warnings = $state.raw<string[]>([]);
  /** Files are being dragged over the window. */
  dropping = $state(false);
  startedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  now = $state(0);
  /** The saved settings (null until loaded, or when they could not be read). */
  settings = $state.raw<Settings | null>(null);
  /** Recently opened workflow files, newest first. */
  recent = $state.raw<string[]>([]);
  /** Set while a batch above the credit threshold waits for confirmation (from any front door). */
  get confirming(): CostQuestion | null {
    return consent.question;
  }
  readonly form: FormState;

  readonly selected: NodeDoc | null = $derived(
    this.doc?.nodes.find((n) => n.id === this.selectedId) ?? null,
  );
  /** The run the graph and status line follow. */
  readonly run: RunState = $derived(focusedItem(this.queue)?.state ?? IDLE);
  /** Images of the newest batch, in arrival order per run. */
  readonly images: SavedImage[] = $derived(
    currentBatch(this.queue).flatMap((i) => (i.state.phase === "idle" ? [] : i.state.images)),
  );
  readonly active: boolean = $derived(queueActive(this.queue));
  /** More batches can be queued while others run. */
  readonly canRun: boolean = $derived(this.doc !== null);
  readonly elapsedMs: number = $derived(
    this.startedAt === null ? 0 : (this.endedAt ?? this.now) - this.startedAt,
  );

  #original: WorkflowDoc | null = null;
  /** Events that arrived while run_workflow had not yet told us the run ids. */
  #early: JobEvent[] = [];
  /** Batches sent whose run ids have not come back yet. */
  #awaiting = 0;
  /** Cancel was pressed before the backend gave the run ids. */
  #cancelOnAccept = false;
  #stops: (() => void)[] = [];
  #ticker: ReturnType<typeof setInterval> | null = null;
  #clock: () => number;
  #tickMs: number;
  #focused: () => boolean;

  constructor(options: SessionOptions = {}) {
    this.#clock = options.clock ?? (() => Date.now());
    this.#focused = options.focused ?? (() => globalThis.document?.hasFocus() ?? true);
    this.#tickMs = options.tickMs ?? 250;
    this.form = new FormState(options.refreshMs ?? 300);
    this.now = this.#clock();
  }

  /** Listens for job events and file drops, then opens the default workflow and asks which
   * backend runs. */
  async start(): Promise<void> {
    this.#stops.push(await host.onJobEvent((event) => this.receive(event)));
    const stopDrops = await host.onFileDrop({
      hover: (over) => (this.dropping = over),
      drop: (paths, at) => {
        if (paths.length === 0) return;
        // A picture dropped on an image field is that field's new value, not a workflow.
        const field = imageDropTarget(at.x, at.y);
        if (field) void field(paths[0]);
        else void this.openFile(paths[0]);
      },
    });
    this.#stops.push(stopDrops);
    const [doc, backend, settings, recent] = await Promise.allSettled([
      host.openDefaultWorkflow(),
      host.backendInfo(),
      loadSettings(),
      host.recentFiles(),
    ]);
    if (backend.status === "fulfilled") this.backend = backend.value;
    if (settings.status === "fulfilled") this.settings = settings.value;
    if (recent.status === "fulfilled") this.recent = recent.value;
    // A file dropped or pasted while the app was starting wins over the default workflow.
    if (this.doc !== null) return;
    if (doc.status === "fulfilled") {
      this.open(doc.value);
    } else {
      this.load = "failed";
      this.error = toAppError(doc.reason);
    }
  }

  /** Shows `doc`, remembering it as the baseline for "modified"; refreshes its form. */
  open(doc: WorkflowDoc, opened?: Pick<OpenedWorkflow, "warnings">): void {
    this.#original = structuredClone(doc);
    this.doc = doc;
    this.load = "ready";
    this.warnings = opened?.warnings ?? [];
    if (!doc.nodes.some((n) => n.id === this.selectedId)) this.selectedId = null;
    this.form.reset();
    void this.form.refresh(doc);
  }

  /** Opens a dropped or picked file (JSON in any dialect, or a PNG with its workflow). */
  async openFile(path: string): Promise<void> {
    await this.#import(() => host.openWorkflowFile(path));
    try {
      this.recent = await host.recentFiles();
    } catch {
      // The list is a convenience; the workflow itself is open (or its error is shown).
    }
  }

  /** Asks for a workflow file in the OS dialog and opens it. */
  async openDialog(): Promise<void> {
    try {
      const path = await host.pickWorkflowFile();
      if (path !== null) await this.openFile(path);
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  /** Opens a workflow already imported by the backend (gallery, favourites). */
  openOpened(opened: OpenedWorkflow): void {
    this.error = null;
    this.open(opened.doc, opened);
  }

  /** Opens a workflow pasted as JSON text. */
  async pasteText(text: string): Promise<void> {
    await this.#import(() => host.importWorkflowText(t("generate.pastedName"), text));
  }

  async #import(load: () => Promise<OpenedWorkflow>): Promise<void> {
    try {
      const opened = await load();
      this.error = null;
      this.open(opened.doc, opened);
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  dispose(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#stopTicker();
    this.form.cancelScheduled();
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  dismissError(): void {
    this.error = null;
  }

  dismissWarnings(): void {
    this.warnings = [];
  }

  /** Sets a literal input of a node (what the forms call). */
  setValue(nodeId: string, name: string, value: unknown): void {
    const input = this.#valueInput(this.doc, nodeId, name);
    if (!input) return;
    input.value = value;
    this.form.schedule(() => this.doc);
  }

  /** The current literal of an input (undefined for links and unknown inputs). */
  valueOf(nodeId: string, name: string): unknown {
    return this.#valueInput(this.doc, nodeId, name)?.value;
  }

  /** Whether a literal differs from the opened workflow. */
  isModified(nodeId: string, name: string): boolean {
    const now = this.#valueInput(this.doc, nodeId, name);
    const was = this.#valueInput(this.#original, nodeId, name);
    return now !== null && (was === null || !sameValue(now.value, was.value));
  }

  /** Puts a literal back to its value in the opened workflow. */
  resetValue(nodeId: string, name: string): void {
    const was = this.#valueInput(this.#original, nodeId, name);
    if (was) this.setValue(nodeId, name, structuredClone(was.value));
  }

  /** The credits a batch is expected to cost, when the estimate is known. */
  expectedCredits(): number | null {
    const per = this.form.perRun;
    return per === null ? null : per * this.form.count;
  }

  /** Starts a batch of runs of the workflow as edited, first asking when it is expected to cost
   * more than the Settings threshold. Progress arrives through `receive`. */
  async runNow(): Promise<void> {
    if (!this.doc) return;
    const threshold = this.settings?.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
    const credits = this.expectedCredits();
    // Asked before anything moves when the form already knows the price; the engine decides
    // again with its own estimate, and `withConsent` asks once more if that one differs.
    let approved: number | undefined;
    if (credits !== null && credits > threshold) {
      if (!(await consent.ask({ credits, threshold }))) return;
      approved = credits;
    }
    const doc = $state.snapshot(this.doc) as WorkflowDoc;
    const options = { count: this.form.count, seeds: this.form.controls() };
    this.error = null;
    this.#awaiting++;
    this.#cancelOnAccept = false;
    this.startedAt = this.#clock();
    this.now = this.startedAt;
    this.endedAt = null;
    // Shown at once; the backend's own `queued` events replace it.
    this.queue = beginBatch(
      this.queue,
      doc.nodes.map((n) => n.id),
    );
    const batch = this.queue.batch;
    this.#startTicker();
    try {
      const runIds = await withConsent(
        (ok) => host.runWorkflow(doc, { ...options, approvedCredits: ok }),
        approved,
      );
      if (runIds === null) {
        this.#replayEarly([]);
        this.#update(
          rejectBatch(this.queue, batch, {
            code: "needsConfirmation",
            message: t("error.needsConfirmation.title"),
          }),
        );
        return;
      }
      this.queue = acceptBatch(this.queue, batch, runIds);
      this.#replayEarly(runIds);
      if (this.#cancelOnAccept) await this.cancel();
    } catch (error) {
      this.#replayEarly([]);
      this.#update(rejectBatch(this.queue, batch, toAppError(error)));
    }
  }

  /** The person accepted the expected cost. */
  confirmRun(): void {
    consent.answer(true);
  }

  /** The person declined the expected cost. */
  declineRun(): void {
    consent.answer(false);
  }

  /** Follows runs started elsewhere (a favourite, "run again" from the gallery). */
  track(runIds: string[]): void {
    if (runIds.length === 0) return;
    this.queue = trackBatch(this.queue, runIds);
    if (this.startedAt === null || this.endedAt !== null) {
      this.startedAt = this.#clock();
      this.endedAt = null;
      this.now = this.startedAt;
    }
    this.#startTicker();
  }

  /** Runs a finished run's graph again as a new run. */
  async retry(runId: string): Promise<void> {
    try {
      const id = await withConsent((approved) => host.retryRun(runId, approved));
      if (id !== null) this.track([id]);
    } catch (error) {
      this.error = toAppError(error);
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
      this.error = toAppError(error);
    }
  }

  /** Cancels every run still under way (or one run). The verdict arrives as an event. */
  async cancel(runId?: string): Promise<void> {
    if (this.#awaiting > 0 && runId === undefined) {
      this.#cancelOnAccept = true;
      return;
    }
    const ids = runId === undefined ? activeRunIds(this.queue) : [runId];
    const results = await Promise.allSettled(ids.map((id) => host.cancelRun(id)));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) this.error = toAppError(failed.reason);
  }

  /** One job event from the backend. Events of runs not in the queue are ignored. */
  receive(event: JobEvent): void {
    const known = this.queue.items.some((i) => i.runId === event.runId);
    if (!known && this.#awaiting > 0) {
      // Possibly a run of a batch whose ids are still on their way: keep it until they arrive.
      this.#early.push(event);
      return;
    }
    this.#update(reduceQueue(this.queue, event));
  }

  /** A batch got its ids (or failed): its buffered events are applied; other batches' wait. */
  #replayEarly(runIds: string[]): void {
    this.#awaiting = Math.max(0, this.#awaiting - 1);
    const mine = (e: JobEvent) => runIds.includes(e.runId);
    const early = this.#early;
    this.#early = this.#awaiting > 0 ? early.filter((e) => !mine(e)) : [];
    for (const event of early.filter(mine)) this.#update(reduceQueue(this.queue, event));
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
    if (failed && failed.state.phase === "failed") this.error = failed.state.error;
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

  #valueInput(doc: WorkflowDoc | null, nodeId: string, name: string): ValueInput | null {
    const node = doc?.nodes.find((n) => n.id === nodeId);
    const input = node?.inputs.find((i) => i.name === name);
    return input?.kind === "value" ? input : null;
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
