// The window's session: puts the stores together and does what needs more than one of them.
// It listens for job events of runs started elsewhere (after the queue store has asked for the
// runs a previous session left) and for file drops, opens workflows (file, dialog, paste,
// gallery, favourites) into the document store, runs the open document as a batch after the cost
// gate (asking first above the Settings threshold, about a spend cap when the batch would pass
// one; "Run next" in the queue runs it this way too), runs a sweep of it the same way (at the
// sweep's quoted total, its grid followed from the batch's channel), and keeps the one error the
// banner shows. Leaves out the document's editing (generate/document.svelte.ts), the sweep
// editor's axes (sweep/editor.svelte.ts), the queue and its timing (run/runs.svelte.ts) and
// backend info, settings and recent files (app/state).

import type { AppError } from "./bindings/AppError";
import type { Estimate } from "./bindings/Estimate";
import type { OpenedWorkflow } from "./bindings/OpenedWorkflow";
import type { RunOptions } from "./bindings/RunOptions";
import type { Sweep } from "./bindings/Sweep";
import type { WorkflowDoc } from "./bindings/WorkflowDoc";
import { AppState } from "./app/state.svelte";
import { toAppError } from "./errors";
import { imageDropTarget } from "./generate/form/imageDrop";
import { OpenDocument } from "./generate/document.svelte";
import * as host from "./host";
import { t } from "./i18n/index.svelte";
import { spendReport } from "./host/history";
import {
  approvalOf,
  capQuestion,
  consent,
  withConsent,
  type CostQuestion,
} from "./run/consent.svelte";
import type { Approval, OnJobEvent } from "./host";
import { sweepQuote } from "./host/sweep";
import { RunQueue, type RunQueueOptions } from "./run/runs.svelte";
import { SweepEditorState } from "./sweep/editor.svelte";
import { SweepRun, type SweepRunOptions } from "./sweep/run.svelte";
import { axisTitle } from "./sweep/targets";

export type SessionOptions = Omit<RunQueueOptions, "onError"> & {
  /** How long after the last edit the form, problems and estimate refresh. */
  refreshMs?: number;
  /** How long after the last key a sweep axis's values parse. */
  sweepParseMs?: number;
  /** How a sweep's grid is asked about when its event does not come. */
  sweepGrid?: SweepRunOptions;
};

/** A batch waiting for the person to accept its expected cost. */
export type { CostQuestion } from "./run/consent.svelte";

export class Session {
  readonly app = new AppState();
  readonly document: OpenDocument;
  readonly runs: RunQueue;
  /** The error the banner shows, until dismissed or the next run. */
  error = $state.raw<AppError | null>(null);
  /** Files are being dragged over the window. */
  dropping = $state(false);
  /** The sweep editor of the Generate view (over the open document and its form). */
  readonly sweep: SweepEditorState;
  /** The latest sweep this window started, as its grid shows it; null once closed. */
  sweepRun = $state.raw<SweepRun | null>(null);

  /** Set while a batch above the credit threshold or past a spend cap waits for confirmation
   * (from any front door). */
  get confirming(): CostQuestion | null {
    return consent.question;
  }
  /** A workflow is open and nothing stops it running as it stands (an unmapped model file or
   * another error in the latest inspection disables Run; unknown until the first inspection
   * answers, when the engine still checks). More batches can be queued while others run. */
  readonly canRun: boolean = $derived.by(
    () => this.document.doc !== null && (this.document.form.readiness?.ready ?? true),
  );

  #stops: (() => void)[] = [];
  #sweepOptions: SweepRunOptions;

  constructor(options: SessionOptions = {}) {
    this.document = new OpenDocument(options.refreshMs ?? 300);
    this.sweep = new SweepEditorState(
      () => this.document.doc,
      this.document.form,
      options.sweepParseMs ?? 250,
    );
    this.#sweepOptions = options.sweepGrid ?? {};
    this.runs = new RunQueue({
      ...options,
      onError: (error) => (this.error = error),
      runDocument: () => this.runNow(),
      canRunDocument: () => this.canRun,
    });
    // Another backend checks and builds forms with its own schemas (a ComfyUI server's files).
    this.app.onswitch = () => {
      const doc = this.document.doc;
      if (doc) void this.document.form.refresh(doc);
    };
  }

  /** Listens for job events (the queue takes in the runs a previous session left as soon as the
   * listener is on) and file drops, then opens the default workflow and asks which backend runs. */
  async start(): Promise<void> {
    const listening = host.onJobEvent((event) => this.runs.receive(event));
    void this.runs.restore(listening);
    this.#stops.push(await listening);
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
    const [doc] = await Promise.allSettled([host.openDefaultWorkflow(), this.app.load()]);
    // A file dropped or pasted while the app was starting wins over the default workflow.
    if (this.document.doc !== null) return;
    if (doc.status === "fulfilled") {
      this.document.open(doc.value.doc, doc.value);
    } else {
      this.document.failed();
      this.error = toAppError(doc.reason);
    }
  }

  /** Opens a dropped or picked file (JSON in any dialect, or a PNG with its workflow). */
  async openFile(path: string): Promise<void> {
    await this.#import(() => host.openWorkflowFile(path));
    await this.app.refreshRecent();
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
    this.document.open(opened.doc, opened);
  }

  /** Opens a workflow pasted as JSON text. */
  async pasteText(text: string): Promise<void> {
    await this.#import(() => host.importWorkflowText(t("generate.pastedName"), text));
  }

  async #import(load: () => Promise<OpenedWorkflow>): Promise<void> {
    try {
      const opened = await load();
      this.error = null;
      this.document.open(opened.doc, opened);
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  dispose(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.runs.dispose();
    this.document.dispose();
    this.sweep.dispose();
    this.sweepRun?.dispose();
  }

  dismissError(): void {
    this.error = null;
  }

  /** Starts a batch of runs of the workflow as edited, first asking when it is expected to cost
   * more than the Settings threshold; resolves with the run ids (null when none started).
   * Progress arrives on the batch's own channel. */
  async runNow(): Promise<string[] | null> {
    const form = this.document.form;
    return this.#start(this.document.expectedCredits(), {
      count: form.count,
      seeds: form.controls(),
      wildcards: form.wildcardOption,
    });
  }

  /** Starts `sweep` over the workflow as edited (every cell a run, times the batch count), asked
   * about as Run is but at the sweep's quoted total (`quote`, asked here when not given; unknown,
   * the engine's own check decides); its grid follows as `sweepRun`. Resolves with the run ids
   * in cell order (null when none started). */
  async runSweep(sweep: Sweep, quote?: Estimate | null): Promise<string[] | null> {
    const edited = this.document.doc;
    if (!edited || !this.canRun || sweep.axes.length === 0) return null;
    const form = this.document.form;
    const options: RunOptions = {
      count: form.count,
      seeds: form.controls(),
      wildcards: form.wildcardOption,
      sweep,
    };
    const estimate = quote === undefined ? await this.#quote(edited, options) : quote;
    const titles = sweep.axes.map((axis) => axisTitle(axis, form.fields));
    const tracker = new SweepRun(sweep.axes, titles, form.count, this.#sweepOptions);
    const runIds = await this.#start(estimate?.total ?? null, options, (event) =>
      tracker.receive(event),
    );
    if (runIds === null) {
      tracker.dispose();
      return null;
    }
    this.sweepRun?.dispose();
    this.sweepRun = tracker;
    tracker.accept(runIds);
    return runIds;
  }

  /** Hides the latest sweep's grid (its runs and images stay). */
  closeSweepRun(): void {
    this.sweepRun?.dispose();
    this.sweepRun = null;
  }

  /** What the sweep is quoted at now; null when it cannot be priced (the engine decides). */
  async #quote(edited: WorkflowDoc, options: RunOptions): Promise<Estimate | null> {
    if (!options.sweep) return null;
    try {
      const doc = $state.snapshot(edited) as WorkflowDoc;
      const { count, seeds, wildcards, sweep } = options;
      return await sweepQuote(doc, sweep, count, seeds, wildcards ?? null);
    } catch {
      return null;
    }
  }

  /** Starts a batch of the workflow as edited with `options`, first asking when `credits` (what
   * it is expected to cost, when known) passes the threshold; `tap` sees every event of the
   * batch's channel too. Resolves with the run ids, null when none started. What Run and a sweep
   * share. */
  async #start(
    credits: number | null,
    options: RunOptions,
    tap?: OnJobEvent,
  ): Promise<string[] | null> {
    const edited = this.document.doc;
    if (!edited || !this.canRun) return null;
    const threshold = this.app.confirmAbove;
    // Asked before anything moves when the price is known already; the engine decides
    // again with its own estimate, and `withConsent` asks once more if that one differs.
    let approval: Approval = {};
    if (credits !== null && credits > threshold) {
      const question = await this.#priceQuestion(credits, threshold);
      if (!(await consent.ask(question))) return null;
      approval = approvalOf(question);
    }
    const doc = $state.snapshot(edited) as WorkflowDoc;
    this.error = null;
    const { batch, onEvent } = this.runs.begin(
      doc.nodes.map((n) => n.id),
      true,
    );
    const events: OnJobEvent = tap
      ? (event) => {
          tap(event);
          onEvent(event);
        }
      : onEvent;
    try {
      const runIds = await withConsent(
        (ok) =>
          host.runWorkflow(
            doc,
            { ...options, approvedCredits: ok.credits, approvedOverCap: ok.overCap },
            events,
          ),
        approval,
      );
      if (runIds === null) {
        this.runs.reject(batch, {
          code: "needsConfirmation",
          message: t("error.needsConfirmation.title"),
        });
        return null;
      }
      this.runs.accept(batch, runIds);
      return runIds;
    } catch (error) {
      this.runs.reject(batch, toAppError(error));
      return null;
    }
  }

  /** What to ask before a batch the form prices above the threshold: about a spend cap when it
   * would pass one (one question, with the cap shown), else about the threshold. Unread spend asks
   * about the threshold; the engine still checks the caps and asks for the cap next. */
  async #priceQuestion(credits: number, threshold: number): Promise<CostQuestion> {
    try {
      // Grouped by day from now: only today's row, but `today`, `thisMonth` and `caps` in full.
      const spent = await spendReport("day", Math.floor(Date.now() / 1000));
      const cap = capQuestion(spent, credits);
      if (cap) return cap;
    } catch {
      // The ledger could not be read: the threshold question is still right to ask.
    }
    return { kind: "threshold", credits, threshold };
  }

  /** The person accepted the expected cost. */
  confirmRun(): void {
    consent.answer(true);
  }

  /** The person declined the expected cost. */
  declineRun(): void {
    consent.answer(false);
  }
}
