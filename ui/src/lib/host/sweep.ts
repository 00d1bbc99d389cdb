// The sweep editor's door to the backend: one axis's values parsed against the document (typed
// and bounded by the node schemas), the whole sweep's price and run count before it runs, and a
// sweep's grid once composed. A sweep starts through `runWorkflow` with `options.sweep`; its
// runs' ids come back in cell order (X fastest, then Y, then Z, each `count` times) and the
// last cell's channel brings a `sweepGrid` event when the grid is saved.

import type { Axis } from "../bindings/Axis";
import type { Estimate } from "../bindings/Estimate";
import type { SeedControl } from "../bindings/SeedControl";
import type { Sweep } from "../bindings/Sweep";
import type { SweepGridInfo } from "../bindings/SweepGridInfo";
import type { WildcardMode } from "../bindings/WildcardMode";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { call } from "./call";

/** The axis over `target` (`NODE.INPUT`, `seed`, or "" for a prompt `S/R: a, b`) taking
 * `values` as typed; rejects with `invalidInput` (node and input in `details`) when the input
 * cannot take them. */
export function sweepAxis(doc: WorkflowDoc, target: string, values: string): Promise<Axis> {
  return call("sweep_axis", { doc, target, values });
}

/** How many runs the sweep makes and what they cost, priced as Run would send them. */
export function sweepQuote(
  doc: WorkflowDoc,
  sweep: Sweep,
  count: number,
  seeds: SeedControl[],
  wildcards: WildcardMode | null,
): Promise<Estimate> {
  return call("sweep_quote", { doc, sweep, count, seeds, wildcards });
}

/** The sweep's grid as far as it is made (`state` null until the last cell ends). */
export function sweepGrid(sweepId: string): Promise<SweepGridInfo> {
  return call("sweep_grid", { sweepId });
}
