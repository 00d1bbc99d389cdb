// What the whole-window tests (App*.test.ts) wait on after mounting or acting.

import { flushSync, tick } from "svelte";
import { vi } from "vitest";

/** Lets the window settle: its host calls' answers, the views and the graph panel it loads on
 * first use (lib/app/views.ts, GenerateView), and the effects they wake. */
export async function settleWindow() {
  for (let i = 0; i < 8; i++) await tick();
  await vi.dynamicImportSettled();
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}
