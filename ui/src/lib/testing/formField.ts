// One form field for tests: a KSampler #3 input with no bounds, default or choices unless `more`
// gives them. Leaves out fields read from real schemas (the corpus tests do that).

import type { FormField } from "../bindings/FormField";

export function formField(more: Partial<FormField> & Pick<FormField, "input" | "kind">): FormField {
  return {
    nodeId: "3",
    nodeTitle: "KSampler",
    classType: "KSampler",
    value: null,
    default: null,
    min: null,
    max: null,
    step: null,
    options: [],
    multiline: false,
    modelType: null,
    required: true,
    ...more,
  };
}
