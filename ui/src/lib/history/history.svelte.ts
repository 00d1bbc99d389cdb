// The History view's state: the search and filter controls that make the `RunFilter`, the runs
// (windowed pages), the selected run and what it sent, the spend ledger, and keeping all of it
// fresh (when the view becomes visible, when the queue starts or ends runs, after an action).
// Actions on a run live in actions.ts; what is shown lives in the components. Leaves out
// keeping the filters between sessions.

import type { RecordedRun } from "../bindings/RecordedRun";
import { Feedback } from "../gallery/feedback.svelte";
import { historyRun, type PastRun } from "../host/history";
import { RunActions } from "./actions";
import { NO_CONTROLS, runFilter, type Controls } from "./query";
import { RunResults } from "./runs.svelte";
import { Spend } from "./spend.svelte";

/** Typing pauses this long before the search runs. */
export const SEARCH_MS = 250;

export class History {
  readonly feedback = new Feedback();
  readonly results = new RunResults((error) => this.feedback.fail(error));
  readonly spend = new Spend((error) => this.feedback.fail(error));
  readonly actions = new RunActions(this);

  /** The search box's text (the list follows it after a pause). */
  text = $state("");
  controls: Controls = $state.raw({ ...NO_CONTROLS });
  /** The run the detail panel shows (kept when it scrolls out of the loaded pages). */
  selected: PastRun | null = $state.raw(null);
  /** What the selected run sent; null while loading or when it could not be read. */
  record: RecordedRun | null = $state.raw(null);

  private searched = "";
  private loaded = false;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private recordToken = 0;

  /** The view became visible (true) or hidden (false); visible means fresh. */
  setActive(active: boolean): void {
    if (!active) return;
    if (this.loaded) this.refresh();
    else {
      this.loaded = true;
      this.load(false);
      void this.spend.load();
    }
  }

  setText(text: string): void {
    this.text = text;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      this.searched = this.text;
      this.load(false);
    }, SEARCH_MS);
  }

  setControls(change: Partial<Controls>): void {
    this.controls = { ...this.controls, ...change };
    this.load(false);
  }

  clearControls(): void {
    this.setControls({ ...NO_CONTROLS });
  }

  /** The filter the list and the count are asked with. */
  get filter() {
    return runFilter(this.searched, this.controls);
  }

  /** Reloads the list in place (keeps the scroll position) and the ledger. */
  refresh(): void {
    if (!this.loaded) return;
    this.load(true);
    void this.spend.load();
  }

  /** Shows `run` in the detail panel and asks what it sent. */
  async select(run: PastRun | null): Promise<void> {
    const token = ++this.recordToken;
    this.selected = run;
    this.record = null;
    if (run === null) return;
    try {
      const record = await historyRun(run.runId);
      if (token === this.recordToken) this.record = record;
    } catch (error) {
      if (token === this.recordToken) this.feedback.fail(error);
    }
  }

  dispose(): void {
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.feedback.dispose();
  }

  private load(soft: boolean): void {
    this.results.reload(this.filter, soft);
  }
}
