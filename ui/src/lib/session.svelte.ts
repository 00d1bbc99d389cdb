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
import { consent, withConsent, type CostQuestion } from "./run/consent.svelte";
import type { Queue } from "./run/queue";
import type { RunState } from "./run/reduce";
import { RunQueue } from "./run/runs.svelte";
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
  /** The error the banner shows, until dismissed or the next run. */
  error = $state.raw<AppError | null>(null);
  /** What the last import changed or skipped. */
  warnings = $state.raw<string[]>([]);
  /** Files are being dragged over the window. */
  dropping = $state(false);
  /** The saved settings (null until loaded, or when they could not be read). */
  settings = $state.raw<Settings | null>(null);
  /** Recently opened workflow files, newest first. */
  recent = $state.raw<string[]>([]);
  /** Set while a batch above the credit threshold waits for confirmation (from any front door). */
  get confirming(): CostQuestion | null {
    return consent.question;
  }
  readonly form: FormState;
  readonly runs: RunQueue;

  readonly selected: NodeDoc | null = $derived(
    this.doc?.nodes.find((n) => n.id === this.selectedId) ?? null,
  );
  get queue(): Queue {
    return this.runs.queue;
  }
  /** The run the graph and status line follow. */
  get run(): RunState {
    return this.runs.run;
  }
  /** Images of the newest batch, in arrival order per run. */
  get images(): SavedImage[] {
    return this.runs.images;
  }
  get active(): boolean {
    return this.runs.active;
  }
  get elapsedMs(): number {
    return this.runs.elapsedMs;
  }
  /** More batches can be queued while others run. */
  readonly canRun: boolean = $derived(this.doc !== null);

  #original: WorkflowDoc | null = null;
  #stops: (() => void)[] = [];

  constructor(options: SessionOptions = {}) {
    this.form = new FormState(options.refreshMs ?? 300);
    this.runs = new RunQueue({ ...options, onError: (error) => (this.error = error) });
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
    this.runs.dispose();
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
    const { batch, onEvent } = this.runs.begin(
      doc.nodes.map((n) => n.id),
      true,
    );
    try {
      const runIds = await withConsent(
        (ok) => host.runWorkflow(doc, { ...options, approvedCredits: ok }, onEvent),
        approved,
      );
      if (runIds === null) {
        this.runs.reject(batch, {
          code: "needsConfirmation",
          message: t("error.needsConfirmation.title"),
        });
        return;
      }
      this.runs.accept(batch, runIds);
    } catch (error) {
      this.runs.reject(batch, toAppError(error));
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

  /** Runs a finished run's graph again as a new run. */
  retry(runId: string): Promise<void> {
    return this.runs.retry(runId);
  }

  /** Moves a pending run earlier (-1) or later (+1) in Easel's queue. */
  move(runId: string, delta: -1 | 1): Promise<void> {
    return this.runs.move(runId, delta);
  }

  /** Cancels every run still under way (or one run). The verdict arrives as an event. */
  cancel(runId?: string): Promise<void> {
    return this.runs.cancel(runId);
  }

  /** One job event from the global listener (runs this window did not start). */
  receive(event: JobEvent): void {
    this.runs.receive(event);
  }

  #valueInput(doc: WorkflowDoc | null, nodeId: string, name: string): ValueInput | null {
    const node = doc?.nodes.find((n) => n.id === nodeId);
    const input = node?.inputs.find((i) => i.name === name);
    return input?.kind === "value" ? input : null;
  }
}
