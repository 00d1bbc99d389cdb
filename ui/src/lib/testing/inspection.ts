// Typed answers of the mocked backend about a workflow, for tests: an inspection and a readiness.
// Each starts from "nothing wrong" (no problems, ready to run) and takes the fields a test cares
// about. Leaves out any workflow of its own (testing/reference.ts).

import type { Inspection } from "../bindings/Inspection";
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
    credits: 1,
    ...over,
  };
}
