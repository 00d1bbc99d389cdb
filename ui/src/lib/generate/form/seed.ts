// Seeds: the dice, the modes a batch applies, and what Run sends. Pure; the modes' words are in
// the i18n catalogue (`form.seed.<mode>`).

import type { FormField } from "../../bindings/FormField";
import type { SeedControl } from "../../bindings/SeedControl";
import type { SeedMode } from "../../bindings/SeedMode";

export const SEED_MODES: readonly SeedMode[] = ["fixed", "increment", "decrement", "randomize"];

export const SEED_MAX = 2 ** 32 - 1;

/** A random seed in 0..=2^32-1; `random` returns 0..1 like Math.random. */
export function randomSeed(random: () => number = Math.random): number {
  return Math.min(SEED_MAX, Math.floor(random() * (SEED_MAX + 1)));
}

/** The key a seed mode is stored under. */
export function seedKey(nodeId: string, input: string): string {
  return `${nodeId}\u0000${input}`;
}

/** The seed controls Run sends: every seed field with a mode other than fixed. */
export function seedControls(
  fields: readonly Pick<FormField, "nodeId" | "input" | "kind">[],
  modes: Readonly<Record<string, SeedMode>>,
): SeedControl[] {
  const controls: SeedControl[] = [];
  for (const f of fields) {
    if (f.kind !== "seed") continue;
    const mode = modes[seedKey(f.nodeId, f.input)] ?? "fixed";
    if (mode !== "fixed") controls.push({ nodeId: f.nodeId, input: f.input, mode });
  }
  return controls;
}
