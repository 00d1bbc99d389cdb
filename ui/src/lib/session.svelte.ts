// The app's state: the open workflow (edited in place), the backend, the selection and the
// current run. Talks to the backend only through the host door; run progress comes only from
// job events, reduced by `reduceRun`.

import type { BackendInfo } from "./bindings/BackendInfo";
import type { JobChange } from "./bindings/JobChange";
import type { JobEvent } from "./bindings/JobEvent";
import type { NodeDoc } from "./bindings/NodeDoc";
import type { WorkflowDoc } from "./bindings/WorkflowDoc";
import { toAppError, type AppError } from "./errors";
import * as host from "./host";
import { IDLE, isActive, isFinished, reduceRun, type RunState } from "./run/reduce";
import { sameValue, type ValueInput } from "./workflow/inputs";

export type LoadState = "loading" | "ready" | "failed";

export type SessionOptions = {
  /** Milliseconds clock for elapsed time (tests pass a fake one). */
  clock?: () => number;
  /** How often the elapsed time refreshes while a run is under way. */
  tickMs?: number;
};

export class Session {
  load = $state<LoadState>("loading");
  doc = $state<WorkflowDoc | null>(null);
  backend = $state<BackendInfo | null>(null);
  selectedId = $state<string | null>(null);
  run = $state.raw<RunState>(IDLE);
  /** The error the banner shows, until dismissed or the next run. */
  error = $state.raw<AppError | null>(null);
  startedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  now = $state(0);

  readonly selected: NodeDoc | null = $derived(
    this.doc?.nodes.find((n) => n.id === this.selectedId) ?? null,
  );
  readonly active: boolean = $derived(isActive(this.run));
  readonly canRun: boolean = $derived(this.doc !== null && !this.active);
  readonly elapsedMs: number = $derived(
    this.startedAt === null ? 0 : (this.endedAt ?? this.now) - this.startedAt,
  );

  #original: WorkflowDoc | null = null;
  #runId: string | null = null;
  /** Events that arrived while run_workflow had not yet told us the run id. */
  #early: JobEvent[] | null = null;
  #stopListening: (() => void) | null = null;
  #ticker: ReturnType<typeof setInterval> | null = null;
  #clock: () => number;
  #tickMs: number;

  constructor(options: SessionOptions = {}) {
    this.#clock = options.clock ?? (() => Date.now());
    this.#tickMs = options.tickMs ?? 250;
    this.now = this.#clock();
  }

  /** Listens for job events, then opens the default workflow and asks which backend runs. */
  async start(): Promise<void> {
    const stop = await host.onJobEvent((event) => this.receive(event));
    this.#stopListening = stop;
    const [doc, backend] = await Promise.allSettled([
      host.openDefaultWorkflow(),
      host.backendInfo(),
    ]);
    if (backend.status === "fulfilled") this.backend = backend.value;
    if (doc.status === "fulfilled") {
      this.open(doc.value);
    } else {
      this.load = "failed";
      this.error = toAppError(doc.reason);
    }
  }

  /** Shows `doc`, remembering it as the baseline for "modified". */
  open(doc: WorkflowDoc): void {
    this.#original = structuredClone(doc);
    this.doc = doc;
    this.load = "ready";
    if (!doc.nodes.some((n) => n.id === this.selectedId)) this.selectedId = null;
  }

  dispose(): void {
    this.#stopListening?.();
    this.#stopListening = null;
    this.#stopTicker();
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  dismissError(): void {
    this.error = null;
  }

  /** Sets a literal input of a node (what the forms call). */
  setValue(nodeId: string, name: string, value: unknown): void {
    const input = this.#valueInput(this.doc, nodeId, name);
    if (input) input.value = value;
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

  /** Starts a run of the workflow as edited. Progress arrives through `receive`. */
  async runNow(): Promise<void> {
    if (!this.doc || this.active) return;
    const doc = $state.snapshot(this.doc) as WorkflowDoc;
    this.error = null;
    this.#runId = null;
    this.#early = [];
    this.startedAt = this.#clock();
    this.now = this.startedAt;
    this.endedAt = null;
    // Shown at once; the backend's own `queued` replaces it.
    this.run = reduceRun(IDLE, { kind: "queued", nodes: doc.nodes.map((n) => n.id) });
    this.#startTicker();
    try {
      const runId = await host.runWorkflow(doc);
      const early = this.#early ?? [];
      this.#runId = runId;
      this.#early = null;
      for (const event of early) this.receive(event);
    } catch (error) {
      this.#early = null;
      const { code, message } = toAppError(error);
      this.#apply({ kind: "failed", code, message });
    }
  }

  /** One job event from the backend. Events of other runs are ignored. */
  receive(event: JobEvent): void {
    if (this.#early !== null) {
      this.#early.push(event);
      return;
    }
    if (event.runId !== this.#runId) return;
    this.#apply(event.change);
  }

  #apply(change: JobChange): void {
    const next = reduceRun(this.run, change);
    const wasFinished = isFinished(this.run);
    this.run = next;
    if (!wasFinished && isFinished(next)) {
      this.endedAt = this.#clock();
      this.#stopTicker();
      if (next.phase === "failed") this.error = next.error;
    }
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
