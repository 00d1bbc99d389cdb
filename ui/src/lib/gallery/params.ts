// Every parameter of an image's workflow, for the metadata panel: the literal inputs of each node,
// grouped by node, in the file's order. Links between nodes are left out (the picture shows them).
// Pure.

import type { NodeDoc } from "../bindings/NodeDoc";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";

export type NodeParams = {
  id: string;
  /** The node's title, or its class when it has none. */
  title: string;
  classType: string;
  values: { name: string; text: string }[];
};

/** A literal value as text: strings as they are, anything else as compact JSON. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}

function titleOf(node: NodeDoc): string {
  return node.title?.trim() || node.classType;
}

/** The nodes that have literal inputs, each with them. */
export function nodeParams(doc: WorkflowDoc): NodeParams[] {
  return doc.nodes.flatMap((node) => {
    const values = node.inputs.flatMap((input) =>
      input.kind === "value" ? [{ name: input.name, text: valueText(input.value) }] : [],
    );
    if (values.length === 0) return [];
    return [{ id: node.id, title: titleOf(node), classType: node.classType, values }];
  });
}
