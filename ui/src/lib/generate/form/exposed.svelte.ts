// The fields pinned for the simple view, in pin order, in the shape favourites store (TAMS
// `fieldAttrs`). Leaves out saving them: the favourites code takes `toExposed(list, valueOf)`.

import type { ExposedField } from "../../bindings/ExposedField";
import type { FormField } from "../../bindings/FormField";
import { inputLabel } from "../inputs";

export class Exposed {
  list = $state.raw<ExposedField[]>([]);
  /** The form shows only the pinned fields. */
  simple = $state(false);

  isPinned(nodeId: string, name: string): boolean {
    return this.list.some((f) => f.nodeId === nodeId && f.fieldName === name);
  }

  /** Pins a field at the end of the list, or unpins it. */
  toggle(field: FormField): void {
    if (this.isPinned(field.nodeId, field.input)) this.unpin(field.nodeId, field.input);
    else this.list = [...this.list, pinOf(field)];
  }

  /** Unpins by name: also for pins whose input the workflow no longer has. */
  unpin(nodeId: string, name: string): void {
    this.list = this.list.filter((f) => f.nodeId !== nodeId || f.fieldName !== name);
  }

  /** Replaces the pins, e.g. with a favourite's. */
  setAll(list: readonly ExposedField[]): void {
    this.list = [...list];
  }
}

/** What a pinned field is stored as; the label is "<node title> · <input>". */
export function pinOf(field: FormField): ExposedField {
  return {
    nodeId: field.nodeId,
    fieldName: field.input,
    fieldValue: field.value,
    nodeName: field.classType,
    label: `${field.nodeTitle} · ${inputLabel(field.input)}`,
  };
}

/** The pins with the values the inputs have now; an input the workflow no longer has keeps its
 * pinned value. Pure. */
export function toExposed(
  fields: readonly ExposedField[],
  values: (nodeId: string, name: string) => unknown,
): ExposedField[] {
  return fields.map((f) => {
    const now = values(f.nodeId, f.fieldName);
    return { ...f, fieldValue: now === undefined ? f.fieldValue : now };
  });
}
