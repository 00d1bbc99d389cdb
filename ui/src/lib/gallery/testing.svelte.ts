// Helpers to mount the Gallery view in jsdom (which does no layout: sizes are given) and to
// act on it like a person. Used by tests only.

import { flushSync, mount, tick, unmount } from "svelte";
import { vi } from "vitest";
import type { JobEvent } from "../bindings/JobEvent";
import type { StartRuns } from "../run/runs.svelte";
import GalleryView from "./GalleryView.svelte";

/** Gives every element a size, as a window of `width` × `height` would. */
export function layOut(width = 1200, height = 800) {
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(width);
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(height);
}

export async function settle() {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

/** Mounts the view; returns its callbacks and a way to change `active` and `showRun`. */
export async function mountView(active = true) {
  // `start` stands in for the queue's: it hands the host call the batch's `channel`.
  const channel = vi.fn<(event: JobEvent) => void>();
  const start = vi.fn<StartRuns>((begin) => begin(channel));
  const props = $state({
    active,
    onopenworkflow: vi.fn(),
    start,
    showRun: null as { runId: string } | null,
  });
  const view = mount(GalleryView, { target: document.body, props });
  await settle();
  return {
    props,
    channel,
    close: () => unmount(view),
  };
}

export const byTestId = (id: string) =>
  document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
export const allByTestId = (id: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
];

export function key(key: string, init: KeyboardEventInit = {}) {
  window.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...init }));
  flushSync();
}

export function click(el: Element, init: MouseEventInit = {}) {
  el.dispatchEvent(new MouseEvent("click", { bubbles: true, ...init }));
  flushSync();
}
