// Helpers to mount the History view in jsdom with props a test can change, as App would pass
// them. Used by tests only; the gallery's helpers (layOut, settle, byTestId...) serve as well.

import { mount, unmount } from "svelte";
import { vi } from "vitest";
import type { JobEvent } from "../bindings/JobEvent";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import { settle } from "../gallery/testing.svelte";
import type { StartRuns } from "../run/runs.svelte";
import HistoryView from "./HistoryView.svelte";

/** Mounts the view; returns its callbacks, the batch channel `start` hands out, and `close`. */
export async function mountHistory(active = true) {
  // `start` stands in for the queue's: it hands the host call the batch's `channel`.
  const channel = vi.fn<(event: JobEvent) => void>();
  const start = vi.fn<StartRuns>((begin) => begin(channel));
  const props = $state({
    active,
    busy: false,
    start,
    onrecall: vi.fn<(opened: OpenedWorkflow) => void>(),
    onshowimages: vi.fn<(runId: string) => void>(),
  });
  const view = mount(HistoryView, { target: document.body, props });
  await settle();
  return { props, channel, close: () => unmount(view) };
}
