// One sweep this window started, as its live grid shows it: the axes and their titles, the run
// ids in cell order once the start answers, each run's state reduced from the batch's own
// channel (the queue panel keeps only the latest finished runs; a grid keeps all of its cells),
// and the grid picture: the `sweepGrid` event the last cell's channel brings when it is saved,
// or, when every cell ended and none came, what `sweepGrid` answers for the sweep (its id asked
// of the queue while its runs are there). Leaves out starting the sweep (the session) and how
// cells are laid out (SweepGrid.svelte).

import type { Axis } from "../bindings/Axis";
import type { JobEvent } from "../bindings/JobEvent";
import type { SavedImage } from "../bindings/SavedImage";
import * as queueHost from "../host/queue";
import * as sweepHost from "../host/sweep";
import { IDLE, isFinished, reduceRun, type RunState } from "../run/reduce";
import {
  axisLengths,
  cellState,
  firstImage,
  runsByCell,
  runsPerCell,
  type CellIndex,
  type CellState,
} from "./cells";

/** Where the grid picture stands. */
export type GridState =
  /** Cells are still under way. */
  | { kind: "cells" }
  /** Every cell ended; the grid is being composed. */
  | { kind: "composing" }
  /** Saved (`image` when its event came, with its gallery id when indexed). */
  | { kind: "done"; path: string; image: SavedImage | null }
  /** The backend recorded that it could not be made. */
  | { kind: "failed" }
  /** No cell saved an image, so there is no grid. */
  | { kind: "none" }
  /** Every cell ended and the grid never reported back. */
  | { kind: "unknown" };

/** One cell as the grid shows it. */
export type SweepCell = CellIndex & {
  runIds: string[];
  state: CellState;
  image: SavedImage | null;
};

export type SweepRunOptions = {
  /** How long after the last cell ended to ask for the grid, and between asks. */
  pollMs?: number;
  /** How many times to ask before giving up (`unknown`). */
  polls?: number;
};

export class SweepRun {
  readonly axes: Axis[];
  /** Each axis's title on the grid, in axis order. */
  readonly titles: string[];
  /** Values per axis, X first (1 for a missing axis). */
  readonly lengths: [number, number, number];
  /** Run ids in cell order, once the start answered. */
  runIds = $state.raw<string[]>([]);
  /** Each run's state as shown: replaced when a run's phase or images change, not on progress. */
  states = $state.raw<Record<string, RunState>>({});
  /** The sweep's id, once known (from the grid's event, or asked of the queue). */
  sweepId = $state<string | null>(null);
  grid = $state.raw<GridState>({ kind: "cells" });

  readonly cells: SweepCell[] = $derived.by(() => {
    const perCell = runsPerCell(this.runIds.length, this.lengths, this.#count);
    return runsByCell(this.runIds, this.lengths, perCell).map(({ cell, runIds }) => {
      const states = runIds.map((id) => this.states[id] ?? IDLE);
      return { ...cell, runIds, state: cellState(states), image: firstImage(states) };
    });
  });

  /** Cells whose runs have all ended. */
  readonly ended: number = $derived(
    this.cells.filter((c) => c.state !== "queued" && c.state !== "running").length,
  );

  #count: number;
  /** Every run's state as reduced so far (progress included). */
  #latest: Record<string, RunState> = {};
  #pollMs: number;
  #polls: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;

  /** `count`: the batch count each cell runs (the runs per cell come from the ids when they
   * divide evenly). */
  constructor(axes: Axis[], titles: string[], count: number, options: SweepRunOptions = {}) {
    this.axes = axes;
    this.titles = titles;
    this.lengths = axisLengths(axes);
    this.#count = count;
    this.#pollMs = options.pollMs ?? 1500;
    this.#polls = options.polls ?? 20;
  }

  /** Every run has ended. */
  get finished(): boolean {
    return this.runIds.length > 0 && this.runIds.every((id) => isFinished(this.states[id] ?? IDLE));
  }

  /** An event from the sweep's channel (before or after the ids come back). */
  receive(event: JobEvent): void {
    if (this.#disposed) return;
    const change = event.change;
    if (change.kind === "sweepGrid") {
      this.sweepId = change.sweepId;
      this.grid = { kind: "done", path: change.image.path, image: change.image };
      this.#stopPolling();
      return;
    }
    const before = this.#latest[event.runId] ?? IDLE;
    const after = reduceRun(before, change);
    if (after === before) return;
    this.#latest[event.runId] = after;
    if (shownDiffers(this.states[event.runId] ?? IDLE, after)) {
      this.states = { ...this.states, [event.runId]: after };
      this.#check();
    }
  }

  /** The start answered with the sweep's run ids (cell order). Asks the queue which sweep they
   * are, so the grid can be asked about if its event never comes. */
  accept(runIds: string[]): void {
    if (this.#disposed) return;
    this.runIds = runIds;
    this.#check();
    void this.#learnSweepId();
  }

  dispose(): void {
    this.#disposed = true;
    this.#stopPolling();
  }

  async #learnSweepId(): Promise<void> {
    try {
      const { runs } = await queueHost.queueState();
      const ours = runs.find((r) => r.sweepId !== null && this.runIds.includes(r.runId));
      const found = ours?.sweepId ?? null;
      if (!this.#disposed && this.sweepId === null) this.sweepId = found;
    } catch {
      // Without it the grid still comes by its event; only a grid that fails goes unseen.
    }
  }

  /** Every cell ended: the grid is composed now (or there is none when no cell has a picture). */
  #check(): void {
    if (this.grid.kind !== "cells" || !this.finished) return;
    if (this.cells.every((c) => c.image === null)) {
      this.grid = { kind: "none" };
      return;
    }
    this.grid = { kind: "composing" };
    this.#poll(this.#polls);
  }

  /** Asks for the grid after a while, `left` more times at most, until it is done or failed. */
  #poll(left: number): void {
    this.#stopPolling();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#ask(left);
    }, this.#pollMs);
  }

  async #ask(left: number): Promise<void> {
    if (this.#disposed || this.grid.kind !== "composing") return;
    const sweepId = this.sweepId;
    if (sweepId !== null) {
      try {
        const info = await sweepHost.sweepGrid(sweepId);
        if (this.#disposed || this.grid.kind !== "composing") return;
        if (info.state === "done" && info.path !== null) {
          this.grid = { kind: "done", path: info.path, image: null };
          return;
        }
        if (info.state === "failed") {
          this.grid = { kind: "failed" };
          return;
        }
      } catch {
        // Asked again below, as if it were still composing.
      }
    }
    if (left <= 1) this.grid = { kind: "unknown" };
    else this.#poll(left - 1);
  }

  #stopPolling(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** Whether the grid would show a run differently: its phase or its images changed. */
function shownDiffers(shown: RunState, next: RunState): boolean {
  if (shown.phase !== next.phase) return true;
  const images = (s: RunState) => (s.phase === "idle" ? 0 : s.images.length);
  return images(shown) !== images(next);
}
