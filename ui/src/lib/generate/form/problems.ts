// Validation problems indexed the way the views look them up: per input, per node, and the
// ones that name no input. Pure.

import type { Problem } from "../../bindings/Problem";

export type ProblemIndex = {
  byInput: Map<string, Problem[]>;
  /** Problems that name a node but no input. */
  byNode: Map<string, Problem[]>;
  /** Errors per node (inputs included), for the card badges. */
  errorsPerNode: Map<string, number>;
  /** Problems that name no node. */
  general: Problem[];
};

export function inputKey(nodeId: string, input: string): string {
  return `${nodeId}\u0000${input}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexProblems(problems: readonly Problem[]): ProblemIndex {
  const index: ProblemIndex = {
    byInput: new Map(),
    byNode: new Map(),
    errorsPerNode: new Map(),
    general: [],
  };
  for (const p of problems) {
    if (p.nodeId === null) {
      index.general.push(p);
      continue;
    }
    if (p.input !== null) push(index.byInput, inputKey(p.nodeId, p.input), p);
    else push(index.byNode, p.nodeId, p);
    if (p.severity === "error")
      index.errorsPerNode.set(p.nodeId, (index.errorsPerNode.get(p.nodeId) ?? 0) + 1);
  }
  return index;
}
