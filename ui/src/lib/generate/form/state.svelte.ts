// The generated form's state: fields typed by the node schemas, validation problems, the
// credit estimate, the batch count, the seed modes and the fields pinned for the simple view. Refreshed from the backend (through the
// host door) whenever the workflow changes, debounced; stale answers are dropped.

import type { FormField } from "../../bindings/FormField";
import type { Inspection } from "../../bindings/Inspection";
import type { Problem } from "../../bindings/Problem";
import type { SeedControl } from "../../bindings/SeedControl";
import type { SeedMode } from "../../bindings/SeedMode";
import type { WorkflowDoc } from "../../bindings/WorkflowDoc";
import * as host from "../../host";
import { clampCount } from "./credits";
import { Exposed } from "./exposed.svelte";
import { indexProblems, inputKey, type ProblemIndex } from "./problems";
import { seedControls, seedKey } from "./seed";

export class FormState {
  fields = $state.raw<FormField[]>([]);
  problems = $state.raw<Problem[]>([]);
  /** Credits one run is expected to cost; null while unknown. */
  perRun = $state<number | null>(null);
  count = $state(1);
  seedModes = $state<Record<string, SeedMode>>({});
  /** Pinned fields; favourites save and restore them (`exposed.list`, `exposed.setAll`). */
  readonly exposed = new Exposed();

  readonly index: ProblemIndex = $derived(indexProblems(this.problems));
  readonly fieldMap: Record<string, FormField> = $derived(
    Object.fromEntries(this.fields.map((f) => [inputKey(f.nodeId, f.input), f])),
  );

  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #delayMs: number;

  constructor(delayMs = 300) {
    this.#delayMs = delayMs;
  }

  /** The field of one input, when the schemas know it. */
  field(nodeId: string, input: string): FormField | null {
    return this.fieldMap[inputKey(nodeId, input)] ?? null;
  }

  /** Problems of one input. */
  problemsOf(nodeId: string, input: string): Problem[] {
    return this.index.byInput.get(inputKey(nodeId, input)) ?? [];
  }

  /** A new workflow: forget the old one's modes, pins and findings (a favourite's pins are
   * restored after this with `exposed.setAll`). */
  reset(fields: FormField[] = []): void {
    this.cancelScheduled();
    this.#generation++;
    this.fields = fields;
    this.problems = [];
    this.perRun = null;
    this.seedModes = {};
    this.exposed.setAll([]);
  }

  /** Asks the backend for the fields, problems and estimate of `doc` (one call). */
  async refresh(doc: WorkflowDoc): Promise<void> {
    this.cancelScheduled();
    const generation = ++this.#generation;
    const plain = $state.snapshot(doc) as WorkflowDoc;
    let inspection: Inspection;
    try {
      inspection = await host.inspectWorkflow(plain);
    } catch {
      // The graph could not be read (the edit is shown as it is); keep the last findings.
      if (generation === this.#generation) this.perRun = null;
      return;
    }
    if (generation !== this.#generation) return;
    this.fields = inspection.fields;
    this.problems = inspection.problems;
    this.perRun = inspection.credits;
  }

  /** Refreshes a moment after the last change (typing does not flood the backend). */
  schedule(doc: () => WorkflowDoc | null): void {
    this.cancelScheduled();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const current = doc();
      if (current) void this.refresh(current);
    }, this.#delayMs);
  }

  cancelScheduled(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  setCount(value: number): void {
    this.count = clampCount(value);
  }

  seedMode(nodeId: string, input: string): SeedMode {
    return this.seedModes[seedKey(nodeId, input)] ?? "fixed";
  }

  setSeedMode(nodeId: string, input: string, mode: SeedMode): void {
    this.seedModes[seedKey(nodeId, input)] = mode;
  }

  /** The seed modes Run sends. */
  controls(): SeedControl[] {
    return seedControls(this.fields, this.seedModes);
  }
}
