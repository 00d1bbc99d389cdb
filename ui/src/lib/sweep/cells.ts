// Where each run of a sweep sits in its grid, and what a cell shows. The backend returns a
// sweep's run ids in cell order: X fastest, then Y, then Z, each cell's runs together (the batch
// count, times the wildcard combinations when every one runs). Pure; the sweep run store
// (run.svelte.ts) feeds it the run ids and the runs' states.

import type { Axis } from "../bindings/Axis";
import type { SavedImage } from "../bindings/SavedImage";
import { isFinished, type RunState } from "../run/reduce";

/** The axes a sweep may have, in order. */
export const AXIS_NAMES = ["x", "y", "z"] as const;
export type AxisName = (typeof AXIS_NAMES)[number];

/** A cell: the value index on each axis (0 where the sweep has no such axis). */
export type CellIndex = { x: number; y: number; z: number };

/** What a cell shows: how its runs stand (the grid's `data-state`). */
export type CellState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** How many values each axis has, X first (a missing axis counts as one value). */
export function axisLengths(axes: readonly Pick<Axis, "values">[]): [number, number, number] {
  const len = (i: number) => Math.max(1, axes[i]?.values.length ?? 1);
  return [len(0), len(1), len(2)];
}

/** How many cells the axes make. */
export function cellCount(lengths: readonly number[]): number {
  return lengths.reduce((n, l) => n * Math.max(1, l), 1);
}

/** How many runs each cell has: the runs the start returned spread evenly over the cells, or
 * `count` when they do not divide (the start and the axes disagree). */
export function runsPerCell(runs: number, lengths: readonly number[], count: number): number {
  const cells = cellCount(lengths);
  return runs > 0 && runs % cells === 0 ? runs / cells : Math.max(1, count);
}

/** The cell of the run at `index` (from 0) in the start's answer. */
export function cellOf(index: number, lengths: readonly number[], perCell: number): CellIndex {
  const [lx, ly] = [Math.max(1, lengths[0] ?? 1), Math.max(1, lengths[1] ?? 1)];
  const cell = Math.floor(index / Math.max(1, perCell));
  return { x: cell % lx, y: Math.floor(cell / lx) % ly, z: Math.floor(cell / (lx * ly)) };
}

/** The runs of every cell, in cell order (X fastest); ids past the last cell are left out. */
export function runsByCell(
  runIds: readonly string[],
  lengths: readonly number[],
  perCell: number,
): { cell: CellIndex; runIds: string[] }[] {
  const cells = cellCount(lengths);
  const out: { cell: CellIndex; runIds: string[] }[] = [];
  for (let c = 0; c < cells; c++) {
    out.push({ cell: cellOf(c * Math.max(1, perCell), lengths, perCell), runIds: [] });
  }
  runIds.forEach((id, i) => {
    const slot = out[Math.floor(i / Math.max(1, perCell))];
    slot?.runIds.push(id);
  });
  return out;
}

/** One cell's state from its runs' states: under way while any run is (or some ended and others
 * wait), queued while none started; once all ended, failed if any failed, else cancelled if any
 * was, else succeeded. A cell without runs is queued. */
export function cellState(states: readonly RunState[]): CellState {
  if (states.length === 0) return "queued";
  const started = (s: RunState) => s.phase !== "idle" && s.phase !== "queued";
  if (!states.every(isFinished)) return states.some(started) ? "running" : "queued";
  if (states.some((s) => s.phase === "failed")) return "failed";
  if (states.some((s) => s.phase === "canceled")) return "cancelled";
  return "succeeded";
}

/** The first image any of a cell's runs saved, in run order. */
export function firstImage(states: readonly RunState[]): SavedImage | null {
  for (const s of states) {
    if (s.phase !== "idle" && s.images.length > 0) return s.images[0];
  }
  return null;
}

/** Where a cell is in the cell order (X fastest, then Y, then Z). */
export function cellIndex(cell: CellIndex, lengths: readonly number[]): number {
  const [lx, ly] = [Math.max(1, lengths[0] ?? 1), Math.max(1, lengths[1] ?? 1)];
  return (cell.z * ly + cell.y) * lx + cell.x;
}

/** The last part of a saved file's path (either separator). */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
