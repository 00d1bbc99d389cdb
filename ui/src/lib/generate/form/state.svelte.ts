// The generated form's state: fields typed by the node schemas, validation problems, the model
// inputs with their mappings, whether the graph runs as it stands, the credit estimate, the batch
// count, the seed modes, how wildcards become runs and the fields pinned for the simple view. Refreshed from the backend
// (through the host door) whenever the workflow changes, debounced; stale answers are dropped.
// Mapping a model file (or undoing it) inspects again at once. Leaves out the workflow itself:
// the document store owns it and hands it over (`current`).

import type { FormField } from "../../bindings/FormField";
import type { Inspection } from "../../bindings/Inspection";
import type { ModelMapping } from "../../bindings/ModelMapping";
import type { ModelUse } from "../../bindings/ModelUse";
import type { Problem } from "../../bindings/Problem";
import type { Readiness } from "../../bindings/Readiness";
import type { SeedControl } from "../../bindings/SeedControl";
import type { SeedMode } from "../../bindings/SeedMode";
import type { WildcardMode } from "../../bindings/WildcardMode";
import type { WildcardSummary } from "../../bindings/WildcardSummary";
import type { WorkflowDoc } from "../../bindings/WorkflowDoc";
import * as host from "../../host";
import { clampCount } from "./credits";
import { Exposed } from "./exposed.svelte";
import { indexProblems, inputKey, type ProblemIndex } from "./problems";
import { seedControls, seedKey } from "./seed";

/** What a model field reads and does about its input's file name: the latest inspection's view
 * of the input, and mapping it (both inspect again before resolving; they reject with the
 * backend's `AppError`). */
export type ModelPicker = {
  /** The input's model use; null when the inspection lists none for it (or none answered). */
  use: ModelUse | null;
  /** An inspection of this workflow has answered, so a null `use` is the backend's word. */
  checked: boolean;
  map: (file: string, reference: string) => Promise<ModelMapping>;
  unmap: (file: string) => Promise<void>;
};

const NO_WILDCARDS: WildcardSummary = { inputs: [], combinations: null };

export class FormState {
  fields = $state.raw<FormField[]>([]);
  problems = $state.raw<Problem[]>([]);
  /** Every model input, with the library's mapping of its file name. */
  models = $state.raw<ModelUse[]>([]);
  /** Whether the graph runs as it stands; null until the first inspection answers. */
  readiness = $state.raw<Readiness | null>(null);
  /** Credits one run is expected to cost; null while unknown. */
  perRun = $state<number | null>(null);
  count = $state(1);
  seedModes = $state<Record<string, SeedMode>>({});
  /** The text inputs using wildcards and their combinations, from the latest inspection. */
  wildcards = $state.raw<WildcardSummary>(NO_WILDCARDS);
  /** How those wildcards become runs. */
  wildcardMode = $state<WildcardMode>("seeded");
  /** Pinned fields; favourites save and restore them (`exposed.list`, `exposed.setAll`). */
  readonly exposed = new Exposed();

  readonly index: ProblemIndex = $derived(indexProblems(this.problems));
  readonly fieldMap: Record<string, FormField> = $derived(
    Object.fromEntries(this.fields.map((f) => [inputKey(f.nodeId, f.input), f])),
  );
  readonly modelMap: Record<string, ModelUse> = $derived(
    Object.fromEntries(this.models.map((m) => [inputKey(m.input.nodeId, m.input.input), m])),
  );

  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #delayMs: number;
  #current: () => WorkflowDoc | null;

  /** `current`: the workflow as edited now (what a mapping change inspects again). */
  constructor(delayMs = 300, current: () => WorkflowDoc | null = () => null) {
    this.#delayMs = delayMs;
    this.#current = current;
  }

  /** The field of one input, when the schemas know it. */
  field(nodeId: string, input: string): FormField | null {
    return this.fieldMap[inputKey(nodeId, input)] ?? null;
  }

  /** The model use of one input, from the latest inspection. */
  modelUse(nodeId: string, input: string): ModelUse | null {
    return this.modelMap[inputKey(nodeId, input)] ?? null;
  }

  /** What the model field of `field` maps with; null for other kinds of fields. */
  modelPicker(field: FormField): ModelPicker | null {
    if (field.kind !== "model") return null;
    const use = this.modelUse(field.nodeId, field.input);
    const kind = use?.input.kind ?? field.modelType;
    return {
      use,
      checked: this.readiness !== null,
      map: (file, reference) => this.mapModel(file, reference, kind),
      unmap: (file) => this.unmapModel(file),
    };
  }

  /** Maps a model file name to the model `reference` names (a model page URL or an id) for
   * inputs of family `kind`, then inspects the workflow again: every input naming that file is
   * sent with the id from now on. */
  async mapModel(file: string, reference: string, kind: string | null): Promise<ModelMapping> {
    const mapping = await host.modelMap(file, reference, kind);
    await this.#inspectAgain();
    return mapping;
  }

  /** Forgets the mapping of a model file name, then inspects the workflow again. */
  async unmapModel(file: string): Promise<void> {
    await host.modelUnmap(file);
    await this.#inspectAgain();
  }

  async #inspectAgain(): Promise<void> {
    const doc = this.#current();
    if (doc) await this.refresh(doc);
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
    this.models = [];
    this.readiness = null;
    this.perRun = null;
    this.seedModes = {};
    this.wildcards = NO_WILDCARDS;
    this.wildcardMode = "seeded";
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
    this.models = inspection.models;
    this.readiness = inspection.readiness;
    this.wildcards = inspection.wildcards;
    this.perRun = inspection.credits;
  }

  /** Runs one press of Run starts: the batch count, times every combination of the wildcards
   * when they run that way; null when the combinations are more than a batch may hold. */
  get runs(): number | null {
    if (this.wildcardMode !== "every" || this.wildcards.inputs.length === 0) return this.count;
    const each = this.wildcards.combinations;
    return each === null ? null : each * this.count;
  }

  /** The wildcard mode Run sends. */
  get wildcardOption(): WildcardMode {
    return this.wildcards.inputs.length > 0 ? this.wildcardMode : "seeded";
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
