// The sweep editor's state: whether it is open, up to three axes (X, Y, Z), each with what it
// varies, the values as typed and what the backend made of them (the parsed axis, or its error),
// and the whole sweep's quote once every axis parses. Typing is parsed a moment after the last
// key (`sweepAxis`, debounced), a changed form (every inspection after an edit, the batch count,
// the seed and wildcard modes: `refresh`) parses again, and stale answers are dropped. Leaves out
// running the sweep (the session's `runSweep`) and its grid (run.svelte.ts).

import type { AppError } from "../bindings/AppError";
import type { Axis } from "../bindings/Axis";
import type { Estimate } from "../bindings/Estimate";
import type { Sweep } from "../bindings/Sweep";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { toAppError } from "../errors";
import type { FormState } from "../generate/form/state.svelte";
import * as sweepHost from "../host/sweep";
import { AXIS_NAMES, axisLengths, cellCount, type AxisName } from "./cells";
import { isRefusal, sweepSummary, type QuoteState, type Summary } from "./summary";
import { backendTarget, backendValues, targetOptions, type TargetOption } from "./targets";

export type { QuoteState } from "./summary";

/** What the editor reads of the form: its fields (the target list) and how Run would send the
 * batch (count, seed modes, wildcards), so the quote prices what Run sweeps. */
export type SweepForm = Pick<
  FormState,
  "fields" | "count" | "runs" | "controls" | "wildcardOption"
>;

/** Where an axis's values stand: none typed, waiting for the backend, parsed, or refused. */
export type AxisStatus = "empty" | "pending" | "parsed" | "invalid";

/** One axis as edited. */
export class AxisDraft {
  /** The target's choice (`NODE.INPUT`, `seed`, `replace`; see targets.ts). */
  target = $state("");
  /** The values as typed. */
  values = $state("");
  status = $state<AxisStatus>("empty");
  /** The latest parse, kept while a newer one is under way. */
  axis = $state.raw<Axis | null>(null);
  /** Why the latest parse was refused, kept while a newer one is under way. */
  error = $state.raw<AppError | null>(null);
  /** Bumped by every edit: an answer for an older version is dropped. */
  version = 0;

  constructor(target: string) {
    this.target = target;
  }
}

export class SweepEditorState {
  /** The editor is shown (nothing is asked of the backend while it is closed). */
  open = $state(false);
  axes = $state.raw<AxisDraft[]>([]);
  quote = $state.raw<QuoteState>({ kind: "none" });

  #doc: () => WorkflowDoc | null;
  #form: SweepForm;
  #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every change that makes the quote stale. */
  #generation = 0;

  /** `doc`: the workflow as edited now; `delayMs`: how long after the last key values parse. */
  constructor(doc: () => WorkflowDoc | null, form: SweepForm, delayMs = 250) {
    this.#doc = doc;
    this.#form = form;
    this.#delayMs = delayMs;
  }

  /** What an axis may vary, from the form's fields. */
  get options(): TargetOption[] {
    return targetOptions(this.#form.fields);
  }

  /** The name of the axis at `index` (x, y, z). */
  nameOf(index: number): AxisName {
    return AXIS_NAMES[index] ?? "z";
  }

  /** Every axis parses (and none waits for a newer answer). */
  get parsed(): boolean {
    return this.axes.length > 0 && this.axes.every((a) => a.status === "parsed");
  }

  /** The sweep as parsed; null until every axis parses. */
  sweep(): Sweep | null {
    if (!this.parsed) return null;
    return { axes: this.axes.map((a) => a.axis).filter((a): a is Axis => a !== null) };
  }

  /** How many values each axis has, X first (only meaningful once `parsed`). */
  get lengths(): [number, number, number] {
    return axisLengths(this.axes.map((a) => a.axis ?? { values: [] }));
  }

  /** Cells the parsed axes make. */
  get cells(): number {
    return cellCount(this.lengths);
  }

  /** The quoted total when the quote answered; null when the price is unknown. */
  quoted(): Estimate | null {
    return this.quote.kind === "ready" ? this.quote.estimate : null;
  }

  /** Reads what the axes and the quote depend on besides the typing (the form as inspected
   * after every edit, the batch count, the seed and wildcard modes), for an effect to follow
   * with `refresh`. */
  dependencies(): unknown[] {
    const form = this.#form;
    return [form.fields, form.count, form.wildcardOption, form.controls()];
  }

  /** What the summary line says about the axes that parse (null while one does not). */
  get summary(): Summary | null {
    if (!this.parsed) return null;
    return sweepSummary(this.lengths.slice(0, this.axes.length), this.quote, this.#form.runs);
  }

  /** Every axis parses, the quote has answered and did not refuse the sweep: Run may start it
   * (a quote that only failed to price it leaves the price to the engine's own check). */
  get runnable(): boolean {
    if (!this.parsed) return false;
    const q = this.quote;
    return q.kind === "ready" || (q.kind === "failed" && !isRefusal(q.error));
  }

  /** The quote's refusal when it means the sweep cannot run as it stands. */
  get refusal(): AppError | null {
    const q = this.quote;
    return q.kind === "failed" && isRefusal(q.error) ? q.error : null;
  }

  /** Opens or closes the editor; the first opening starts with an X axis. */
  toggle(): void {
    this.open = !this.open;
    if (!this.open) {
      this.#cancel();
      return;
    }
    if (this.axes.length === 0) this.addAxis();
    else this.refresh();
  }

  /** Adds the next axis (Y after X, Z after Y) over the first target no other axis varies. */
  addAxis(): void {
    if (this.axes.length >= AXIS_NAMES.length) return;
    const used = this.axes.map((a) => a.target);
    const options = this.options;
    const target = options.find((o) => !used.includes(o.value)) ?? options[0];
    this.axes = [...this.axes, new AxisDraft(target?.value ?? "")];
    this.#changed();
  }

  /** Removes an axis; those after it move up (Z becomes Y). */
  removeAxis(index: number): void {
    if (index < 0 || index >= this.axes.length) return;
    this.axes = this.axes.filter((_, i) => i !== index);
    this.#changed();
  }

  /** The axis at `index` varies another target: its values parse again against it. */
  setTarget(index: number, target: string): void {
    const draft = this.axes[index];
    if (!draft || draft.target === target) return;
    draft.target = target;
    this.#edited(draft);
  }

  /** New values typed for the axis at `index`. */
  setValues(index: number, values: string): void {
    const draft = this.axes[index];
    if (!draft || draft.values === values) return;
    draft.values = values;
    this.#edited(draft);
  }

  /** The document or the form changed: every axis parses again and the quote follows. */
  refresh(): void {
    for (const draft of this.axes) this.#mark(draft);
    this.#changed();
  }

  dispose(): void {
    this.#cancel();
    this.#generation++;
  }

  #edited(draft: AxisDraft): void {
    this.#mark(draft);
    this.#changed();
  }

  /** The draft's answer is stale: it waits for a new one (kept on screen meanwhile). */
  #mark(draft: AxisDraft): void {
    draft.version++;
    if (draft.values.trim() === "") {
      draft.status = "empty";
      draft.axis = null;
      draft.error = null;
    } else {
      draft.status = "pending";
    }
  }

  /** Something the quote depends on changed: it is stale, and a sync is due a moment later. */
  #changed(): void {
    this.#generation++;
    this.quote = { kind: "none" };
    this.#cancel();
    if (!this.open) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#sync();
    }, this.#delayMs);
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Parses every axis waiting for an answer, then, if all parse, asks for the quote. */
  async #sync(): Promise<void> {
    const generation = this.#generation;
    const edited = this.#doc();
    if (!edited) return;
    const doc = $state.snapshot(edited) as WorkflowDoc;
    const waiting = this.axes.filter((a) => a.status === "pending");
    await Promise.all(waiting.map((draft) => this.#parse(draft, doc)));
    if (generation !== this.#generation) return;
    const sweep = this.sweep();
    if (sweep === null) return;
    this.quote = { kind: "pending" };
    const form = this.#form;
    try {
      const estimate = await sweepHost.sweepQuote(
        doc,
        sweep,
        form.count,
        form.controls(),
        form.wildcardOption,
      );
      if (generation === this.#generation) this.quote = { kind: "ready", estimate };
    } catch (error) {
      if (generation === this.#generation)
        this.quote = { kind: "failed", error: toAppError(error) };
    }
  }

  async #parse(draft: AxisDraft, doc: WorkflowDoc): Promise<void> {
    const version = draft.version;
    const target = draft.target;
    try {
      const axis = await sweepHost.sweepAxis(
        doc,
        backendTarget(target),
        backendValues(target, draft.values),
      );
      if (version !== draft.version) return;
      draft.axis = axis;
      draft.error = null;
      draft.status = "parsed";
    } catch (error) {
      if (version !== draft.version) return;
      draft.axis = null;
      draft.error = toAppError(error);
      draft.status = "invalid";
    }
  }
}
