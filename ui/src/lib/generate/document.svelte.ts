// The document store: the workflow open in the Generate view (edited in place), the baseline it
// was opened with (for "modified" and reset), the selected node, what its import warned about,
// and its generated form, refreshed a moment after each edit (and at once after a model file is
// mapped: the document keeps its file names, the engine sends the ids). Leaves out where a workflow comes
// from (files, paste, gallery: the session) and running it (the queue store).

import type { NodeDoc } from "../bindings/NodeDoc";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { FormState } from "./form/state.svelte";
import { sameValue, type ValueInput } from "./inputs";

export type LoadState = "loading" | "ready" | "failed";

export class OpenDocument {
  load = $state<LoadState>("loading");
  doc = $state<WorkflowDoc | null>(null);
  selectedId = $state<string | null>(null);
  /** What the last import changed or skipped. */
  warnings = $state.raw<string[]>([]);
  readonly form: FormState;

  readonly selected: NodeDoc | null = $derived(
    this.doc?.nodes.find((n) => n.id === this.selectedId) ?? null,
  );

  #original: WorkflowDoc | null = null;

  /** `refreshMs`: how long after the last edit the form, problems and estimate refresh. */
  constructor(refreshMs = 300) {
    this.form = new FormState(refreshMs, () => this.doc);
  }

  /** Shows `doc`, remembering it as the baseline for "modified"; refreshes its form. */
  open(doc: WorkflowDoc, opened?: Pick<OpenedWorkflow, "warnings" | "fields">): void {
    this.#original = structuredClone(doc);
    this.doc = doc;
    this.load = "ready";
    this.warnings = opened?.warnings ?? [];
    if (!doc.nodes.some((n) => n.id === this.selectedId)) this.selectedId = null;
    // The form the backend made on opening, at once; the first inspection refreshes it.
    this.form.reset(opened?.fields ?? []);
    void this.form.refresh(doc);
  }

  /** The default workflow could not be opened (and nothing else was). */
  failed(): void {
    this.load = "failed";
  }

  dispose(): void {
    this.form.cancelScheduled();
  }

  select(id: string | null): void {
    this.selectedId = id;
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
    const runs = this.form.runs;
    return per === null || runs === null ? null : per * runs;
  }

  #valueInput(doc: WorkflowDoc | null, nodeId: string, name: string): ValueInput | null {
    const node = doc?.nodes.find((n) => n.id === nodeId);
    const input = node?.inputs.find((i) => i.name === name);
    return input?.kind === "value" ? input : null;
  }
}
