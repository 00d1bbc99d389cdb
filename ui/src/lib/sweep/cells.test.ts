// Where a sweep's runs sit in its grid (X fastest, each cell's runs together) and what a cell
// shows from its runs' states.
import { describe, expect, it } from "vitest";
import type { RunState } from "../run/reduce";
import {
  axisLengths,
  cellCount,
  cellIndex,
  fileName,
  cellOf,
  cellState,
  firstImage,
  runsByCell,
  runsPerCell,
} from "./cells";

const data = { nodes: {}, order: [], overall: 0, images: [], jobId: null };
const queued: RunState = { phase: "queued", ...data };
const running: RunState = { phase: "running", current: null, ...data };
const waiting: RunState = { phase: "waiting", queueRank: 1, queueLen: 2, ...data };
const image = (path: string, id: number | null = 1) => ({
  id,
  path,
  nodeId: "9",
  width: 64,
  height: 64,
});
const succeeded = (paths: string[] = []): RunState => ({
  phase: "succeeded",
  credits: 1,
  imageCount: paths.length,
  ...data,
  images: paths.map((p) => image(p)),
});
const failed: RunState = { phase: "failed", error: { code: "jobFailed", message: "x" }, ...data };
const canceled: RunState = { phase: "canceled", ...data };

describe("cell mapping", () => {
  it("counts the values of each axis, a missing axis as one", () => {
    const axis = (n: number) => ({
      values: Array.from({ length: n }, () => ({ label: "", value: 0 })),
    });
    expect(axisLengths([axis(3)])).toEqual([3, 1, 1]);
    expect(axisLengths([axis(3), axis(2), axis(4)])).toEqual([3, 2, 4]);
    expect(cellCount([3, 2, 4])).toBe(24);
    expect(cellCount([5])).toBe(5);
  });

  it("puts runs X fastest, then Y, then Z, each cell's runs together", () => {
    const lengths = [3, 2, 2];
    expect([0, 1, 2, 3, 5, 6, 11].map((i) => cellOf(i, lengths, 1))).toEqual([
      { x: 0, y: 0, z: 0 },
      { x: 1, y: 0, z: 0 },
      { x: 2, y: 0, z: 0 },
      { x: 0, y: 1, z: 0 },
      { x: 2, y: 1, z: 0 },
      { x: 0, y: 0, z: 1 },
      { x: 2, y: 1, z: 1 },
    ]);
    // Two runs per cell: runs 0 and 1 are the first cell, 2 and 3 the second.
    expect([0, 1, 2, 3, 6].map((i) => cellOf(i, [2, 2], 2))).toEqual([
      { x: 0, y: 0, z: 0 },
      { x: 0, y: 0, z: 0 },
      { x: 1, y: 0, z: 0 },
      { x: 1, y: 0, z: 0 },
      { x: 1, y: 1, z: 0 },
    ]);
  });

  it("finds a cell's place in the cell order back", () => {
    const lengths = [3, 2, 2];
    for (let i = 0; i < 12; i++) expect(cellIndex(cellOf(i, lengths, 1), lengths)).toBe(i);
    expect(cellIndex({ x: 1, y: 0, z: 0 }, [2])).toBe(1);
  });

  it("names a saved file by the last part of its path", () => {
    expect(fileName("/lib/2026/grid-1.png")).toBe("grid-1.png");
    expect(fileName("C:\\lib\\grid-2.png")).toBe("grid-2.png");
  });

  it("groups the run ids by cell in cell order", () => {
    const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const cells = runsByCell(ids, [2, 2], 2);
    expect(cells).toEqual([
      { cell: { x: 0, y: 0, z: 0 }, runIds: ["a", "b"] },
      { cell: { x: 1, y: 0, z: 0 }, runIds: ["c", "d"] },
      { cell: { x: 0, y: 1, z: 0 }, runIds: ["e", "f"] },
      { cell: { x: 1, y: 1, z: 0 }, runIds: ["g", "h"] },
    ]);
    // Before the ids come back every cell is there, without runs.
    expect(runsByCell([], [2, 1, 2], 1).map((c) => [c.cell, c.runIds.length])).toEqual([
      [{ x: 0, y: 0, z: 0 }, 0],
      [{ x: 1, y: 0, z: 0 }, 0],
      [{ x: 0, y: 0, z: 1 }, 0],
      [{ x: 1, y: 0, z: 1 }, 0],
    ]);
  });

  it("spreads the runs evenly over the cells, falling back to the batch count", () => {
    // 2 × 2 cells, batch 1 but every wildcard combination (3) runs: 12 runs, 3 per cell.
    expect(runsPerCell(12, [2, 2], 1)).toBe(3);
    expect(runsPerCell(8, [2, 2], 2)).toBe(2);
    expect(runsPerCell(7, [2, 2], 2)).toBe(2);
    expect(runsPerCell(0, [2, 2], 1)).toBe(1);
  });
});

describe("cell state", () => {
  it("is queued until a run starts, running while any is under way", () => {
    expect(cellState([])).toBe("queued");
    expect(cellState([queued, queued])).toBe("queued");
    expect(cellState([{ phase: "idle" }])).toBe("queued");
    expect(cellState([waiting])).toBe("running");
    expect(cellState([running, queued])).toBe("running");
    expect(cellState([succeeded(), queued])).toBe("running");
  });

  it("once every run ended: failed over cancelled over succeeded", () => {
    expect(cellState([succeeded(), succeeded()])).toBe("succeeded");
    expect(cellState([succeeded(), canceled])).toBe("cancelled");
    expect(cellState([canceled, failed])).toBe("failed");
  });

  it("shows the first image in run order", () => {
    expect(firstImage([queued, running])).toBeNull();
    expect(firstImage([succeeded(), succeeded(["/b.png", "/c.png"])])?.path).toBe("/b.png");
  });
});
