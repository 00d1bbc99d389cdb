// What can be done to a recorded run, as the detail panel's buttons call it: recall it into
// Generate, run it again (through the queue and the cost question, like every front door),
// delete its record (its images stay). Each host call goes through `feedback.attempt`, so a
// rejection is shown in plain words and never thrown. Leaves out "show images in the gallery",
// which only switches views (App does it), and confirmation (the panel asks first).

import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import { historyForget, historyRecall, retryRun } from "../host/history";
import { t } from "../i18n/index.svelte";
import { withConsent } from "../run/consent.svelte";
import type { StartRuns } from "../run/runs.svelte";
import type { History } from "./history.svelte";

export class RunActions {
  constructor(private readonly h: History) {}

  /** The run's document opened with the values it sent, for Generate (null on failure). */
  async recall(runId: string): Promise<OpenedWorkflow | null> {
    let opened: OpenedWorkflow | null = null;
    await this.h.feedback.attempt(async () => {
      opened = await historyRecall(runId);
    });
    return opened;
  }

  /** Starts the run's document again as a new run in the window's queue (`start` hands it the
   * batch's channel); resolves with the new run's id, or null when declined or failed. */
  async runAgain(runId: string, start: StartRuns): Promise<string | null> {
    let started: string | null = null;
    await this.h.feedback.attempt(async () => {
      const ids = await start(async (onEvent) => {
        const id = await withConsent((approved) => retryRun(runId, onEvent, approved));
        return id === null ? null : [id];
      });
      started = ids?.[0] ?? null;
      if (started !== null) {
        this.h.feedback.notify(t("history.toast.started"));
        this.h.refresh();
      }
    });
    return started;
  }

  /** Removes the run's record; its images stay in the library. */
  async forget(runId: string): Promise<boolean> {
    let removed = false;
    const ok = await this.h.feedback.attempt(async () => {
      removed = await historyForget(runId);
    });
    if (!ok) return false;
    if (this.h.selected?.runId === runId) void this.h.select(null);
    this.h.feedback.notify(t(removed ? "history.toast.forgotten" : "history.toast.gone"));
    this.h.refresh();
    return removed;
  }
}
