// What a sweep axis can vary, as the editor's <select> lists it: every field of the generated
// form (node title and input name, as the simple view names them), every seed at once, or a word
// of the prompts (search and replace). Turns a choice into the target string `sweepAxis` takes
// and the values text it parses, and names an axis for the grid. Pure.

import type { Axis } from "../bindings/Axis";
import type { FormField } from "../bindings/FormField";
import { t } from "../i18n/index.svelte";
import { inputLabel } from "../generate/inputs";

/** The choice of every seed input of the graph. */
export const SEED_TARGET = "seed";
/** The choice of a prompt search-and-replace (its values text starts with the word found). */
export const REPLACE_TARGET = "replace";

/** One entry of the target <select>: `value` is `NODE.INPUT`, `seed` or `replace`. */
export type TargetOption = { value: string; label: string; kind: FormField["kind"] | "special" };

/** Field kinds an axis cannot vary by typing: a picture is a file the person picks. */
const NOT_SWEPT: ReadonlySet<FormField["kind"]> = new Set(["image"]);

/** The value of a form field's choice. */
export function inputTarget(nodeId: string, input: string): string {
  return `${nodeId}.${input}`;
}

/** How a field is named in the list: "KSampler #3 · Cfg". */
export function fieldLabel(field: Pick<FormField, "nodeId" | "nodeTitle" | "input">): string {
  return `${field.nodeTitle} #${field.nodeId} · ${inputLabel(field.input)}`;
}

/** Every choice, the form's fields first (in the form's order), then the seed and S/R. */
export function targetOptions(fields: readonly FormField[]): TargetOption[] {
  const inputs = fields
    .filter((f) => !NOT_SWEPT.has(f.kind))
    .map((f) => ({ value: inputTarget(f.nodeId, f.input), label: fieldLabel(f), kind: f.kind }));
  return [
    ...inputs,
    { value: SEED_TARGET, label: t("sweep.target.seed"), kind: "special" },
    { value: REPLACE_TARGET, label: t("sweep.target.replace"), kind: "special" },
  ];
}

/** The target string `sweepAxis` takes for a choice ("" for a search-and-replace). */
export function backendTarget(choice: string): string {
  return choice === REPLACE_TARGET ? "" : choice;
}

/** The values text `sweepAxis` parses: a search-and-replace gets its `S/R:` prefix unless the
 * person typed it; anything else goes as typed. */
export function backendValues(choice: string, text: string): string {
  if (choice !== REPLACE_TARGET) return text;
  return /^\s*s\/r:/i.test(text) ? text : `S/R: ${text}`;
}

/** The placeholder of the values box for a choice. */
export function valuesHint(option: TargetOption | undefined): string {
  switch (option?.kind) {
    case "number":
    case "integer":
      return t("sweep.hint.number");
    case "seed":
      return t("sweep.hint.seed");
    case "combo":
    case "model":
      return t("sweep.hint.choices");
    case "boolean":
      return t("sweep.hint.boolean");
    case "special":
      return option.value === SEED_TARGET ? t("sweep.hint.seed") : t("sweep.hint.replace");
    default:
      return t("sweep.hint.text");
  }
}

/** An axis's title on the grid: the field's name, "Seed", or "S/R “cat”". */
export function axisTitle(axis: Axis, fields: readonly FormField[]): string {
  const target = axis.target;
  switch (target.kind) {
    case "input": {
      const field = fields.find((f) => f.nodeId === target.nodeId && f.input === target.input);
      return field ? fieldLabel(field) : `#${target.nodeId} · ${inputLabel(target.input)}`;
    }
    case "seed":
      return t("sweep.title.seed");
    case "replace":
      return t("sweep.title.replace", { find: target.find });
  }
}
