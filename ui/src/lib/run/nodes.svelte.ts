// The node states of the run the graph shows, one reactive entry per node id, so a progress tick
// on one node re-renders that node's card (and minimap dot and links), not the whole graph. The
// queue store calls `show` with the shown run after every change; an entry is replaced only when
// its node's state or progress moved. Leaves out the run's other data (phase, images, overall
// progress: the run bar reads the run itself) and reducing events (reduce.ts).

import { SvelteMap } from "svelte/reactivity";
import type { NodeRun, RunState } from "./reduce";

/** What a node the run has not listed shows. One object, so reading it again changes nothing. */
export const WAITING: NodeRun = Object.freeze({ state: "waiting", progress: 0 });

export class RunNodes {
  /** The node running now, if any. */
  current = $state<string | null>(null);

  readonly #entries = new SvelteMap<string, NodeRun>();

  /** The state of node `id`; reading it follows that node only. */
  of(id: string): NodeRun {
    return this.#entries.get(id) ?? WAITING;
  }

  /** Makes the entries those of `run`: changed nodes get their new state, nodes it does not list
   * go, the others keep theirs (same object). */
  show(run: RunState): void {
    const next = run.phase === "idle" ? {} : run.nodes;
    for (const id of [...this.#entries.keys()]) {
      if (!(id in next)) this.#entries.delete(id);
    }
    for (const [id, node] of Object.entries(next)) {
      const had = this.#entries.get(id);
      // A finished run rebuilds every node's object; equal values keep the old one.
      if (
        had &&
        had.state === node.state &&
        had.progress === node.progress &&
        had.preview === node.preview
      ) {
        continue;
      }
      this.#entries.set(id, node);
    }
    const current = run.phase === "running" ? run.current : null;
    if (current !== this.current) this.current = current;
  }
}
