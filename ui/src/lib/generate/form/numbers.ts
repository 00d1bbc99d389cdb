// Limits of number fields: when a slider fits, how a typed number is snapped, whether it is in
// range. Pure.

import type { FormField } from "../../bindings/FormField";

type Limits = Pick<FormField, "kind" | "min" | "max" | "step">;

/** Sliders only for bounded ranges a hand can sweep (not seeds, not 0..2^64). */
const MAX_SLIDER_SPAN = 100_000;

/** The slider's range, or null when the field should have none. */
export function sliderRange(field: Limits): { min: number; max: number; step: number } | null {
  if (field.kind === "seed" || field.min === null || field.max === null) return null;
  const span = field.max - field.min;
  if (!(span > 0) || span > MAX_SLIDER_SPAN) return null;
  return { min: field.min, max: field.max, step: stepOf(field) };
}

/** The step of the field's inputs: integers move by whole numbers. */
export function stepOf(field: Limits): number {
  const step = field.step !== null && field.step > 0 ? field.step : null;
  if (field.kind === "integer" || field.kind === "seed") return Math.max(1, Math.round(step ?? 1));
  return step ?? 0.01;
}

/** A typed value made fit for the field: integers rounded. Null when it is not a number. */
export function snapNumber(field: Limits, value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return field.kind === "integer" || field.kind === "seed" ? Math.round(value) : value;
}

/** Whether `value` is within the field's limits. */
export function inRange(field: Limits, value: number): boolean {
  return (field.min === null || value >= field.min) && (field.max === null || value <= field.max);
}

/** "0 – 150", "≥ 1", "" — the limits in words, for the label. */
export function limitsText(field: Limits): string {
  const { min, max } = field;
  if (min !== null && max !== null) return `${min} – ${max}`;
  if (min !== null) return `≥ ${min}`;
  if (max !== null) return `≤ ${max}`;
  return "";
}
