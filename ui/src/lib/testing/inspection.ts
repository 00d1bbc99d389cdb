// Typed answers of the mocked backend about a workflow, for tests: an inspection, a readiness, a
// model input's use and a mapping. Each starts from "nothing wrong" (no problems, ready to run)
// and takes the fields a test cares about. Leaves out any workflow of its own (reference.ts).

import type { Inspection } from "../bindings/Inspection";
import type { ModelInput } from "../bindings/ModelInput";
import type { ModelMapping } from "../bindings/ModelMapping";
import type { ModelUse } from "../bindings/ModelUse";
import type { Readiness } from "../bindings/Readiness";

/** A workflow that runs as it stands; `over` replaces any count. */
export function readiness(over: Partial<Readiness> = {}): Readiness {
  return { ready: true, errors: 0, unmapped: 0, unknownClasses: [], ...over };
}

/** An inspection with no problems, fields or model inputs, ready to run at 1 credit. */
export function inspection(over: Partial<Inspection> = {}): Inspection {
  return {
    problems: [],
    fields: [],
    models: [],
    readiness: readiness(),
    wildcards: { inputs: [], combinations: null },
    credits: 1,
    ...over,
  };
}

/** A model input of node `nodeId` holding `value` (a file name or an id), unmapped. */
export function modelUse(
  nodeId: string,
  input: string,
  value: string,
  over: { kind?: string; mapping?: ModelMapping | null; misfit?: boolean } = {},
): ModelUse {
  const modelInput: ModelInput = {
    nodeId,
    nodeTitle: `Node ${nodeId}`,
    classType: "CheckpointLoaderSimple",
    input,
    kind: over.kind ?? "checkpoint",
    value,
  };
  return { input: modelInput, mapping: over.mapping ?? null, misfit: over.misfit ?? false };
}

/** The mapping of `file` to the demo's SD 1.5 checkpoint (or another id and type). */
export function mapping(file: string, over: Partial<ModelMapping> = {}): ModelMapping {
  return {
    file,
    modelId: "600423083519508503",
    modelType: "CHECKPOINT",
    mappedAt: 1_750_000_000,
    info: {
      id: over.modelId ?? "600423083519508503",
      name: "Demo realistic checkpoint",
      modelType: over.modelType ?? "CHECKPOINT",
      baseModel: "SD 1.5",
      hasPreview: true,
    },
    ...over,
  };
}
