// What the History view's filter controls mean as a `RunFilter`: the chosen statuses (none
// chosen: all), one workflow and one backend, days typed as `YYYY-MM-DD` turned into unix-second
// bounds (both days included, local time, like the gallery's), and the search words. Pure.
// Leaves out several workflows or backends at once (the backend takes one of each).

import type { RunStatus } from "../bindings/RunStatus";
import { dayEnd, dayStart } from "../gallery/query";
import type { RunFilter } from "../host/history";

/** Every status, in the order the filter offers them. */
export const STATUSES: readonly RunStatus[] = [
  "queued",
  "submitted",
  "succeeded",
  "failed",
  "canceled",
];

export type Controls = {
  /** Only these; empty shows every status. */
  statuses: RunStatus[];
  workflow: string | null;
  backend: string | null;
  /** First day included, `YYYY-MM-DD`, or "". */
  from: string;
  /** Last day included, `YYYY-MM-DD`, or "". */
  until: string;
};

export const NO_CONTROLS: Controls = {
  statuses: [],
  workflow: null,
  backend: null,
  from: "",
  until: "",
};

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/** The backend filter for a search text and the controls. */
export function runFilter(text: string, c: Controls): RunFilter {
  const words = text.trim();
  return {
    statuses: STATUSES.filter((s) => c.statuses.includes(s)),
    workflow: c.workflow,
    backend: c.backend,
    since: seconds(dayStart(c.from)),
    until: seconds(dayEnd(c.until)),
    text: words === "" ? null : words,
  };
}

/** `statuses` with `status` added or taken away, in the offered order. */
export function toggleStatus(statuses: RunStatus[], status: RunStatus): RunStatus[] {
  const on = !statuses.includes(status);
  return STATUSES.filter((s) => (s === status ? on : statuses.includes(s)));
}

/** How many controls narrow the list (for Clear). */
export function activeControls(c: Controls): number {
  return [
    c.statuses.length > 0,
    c.workflow !== null,
    c.backend !== null,
    c.from !== "",
    c.until !== "",
  ].filter(Boolean).length;
}
