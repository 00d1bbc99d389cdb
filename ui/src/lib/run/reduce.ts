// The state of one run, reduced from the backend's job events. One pure function: the store feeds
// it every `JobChange` of its run, in order, and renders whatever comes out.

import type { AppError } from "../bindings/AppError";
import type { JobChange } from "../bindings/JobChange";
import type { NodeState } from "../bindings/NodeState";
import type { SavedImage } from "../bindings/SavedImage";

/** One node of a run: its state, progress and, while it runs on a server that sends them, the
 * latest preview of its picture (a `data:` URL). */
export type NodeRun = { state: NodeState; progress: number; preview?: string };

/** What every started run carries, whatever its phase. */
export type RunData = {
  /** Per node id; nodes the backend did not list yet are simply absent (shown as waiting). */
  nodes: Record<string, NodeRun>;
  /** Ids in the order the backend listed them (execution order). */
  order: string[];
  /** Overall progress, 0..1. */
  overall: number;
  images: SavedImage[];
  jobId: string | null;
};

export type RunState =
  | { phase: "idle" }
  | ({ phase: "queued" } & RunData)
  | ({ phase: "submitted" } & RunData)
  | ({ phase: "waiting"; queueRank: number | null; queueLen: number | null } & RunData)
  | ({ phase: "running"; current: string | null } & RunData)
  | ({ phase: "succeeded"; credits: number | null; imageCount: number } & RunData)
  | ({ phase: "failed"; error: AppError } & RunData)
  | ({ phase: "canceled" } & RunData);

export type Phase = RunState["phase"];
export type StartedRun = Exclude<RunState, { phase: "idle" }>;

export const IDLE: RunState = { phase: "idle" };

const TERMINAL: ReadonlySet<Phase> = new Set(["succeeded", "failed", "canceled"]);

/** Whether the run has ended (no more progress will come). */
export function isFinished(state: RunState): boolean {
  return TERMINAL.has(state.phase);
}

/** Whether the run is under way (a new one cannot start yet). */
export function isActive(state: RunState): boolean {
  return state.phase !== "idle" && !isFinished(state);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function dataOf(state: RunState): RunData {
  if (state.phase === "idle") return { nodes: {}, order: [], overall: 0, images: [], jobId: null };
  const { nodes, order, overall, images, jobId } = state;
  return { nodes, order, overall, images, jobId };
}

function mapNodes(
  nodes: Record<string, NodeRun>,
  f: (n: NodeRun) => NodeRun,
): Record<string, NodeRun> {
  return Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, f(n)]));
}

function addImage(data: RunData, image: SavedImage): RunData {
  // By path: an image saved but not yet indexed has no gallery id.
  if (data.images.some((i) => i.path === image.path)) return data;
  return { ...data, images: [...data.images, image] };
}

/** The next state of a run after `change`. Never mutates `state`. */
export function reduceRun(state: RunState, change: JobChange): RunState {
  const data = dataOf(state);

  if (isFinished(state)) {
    // A finished run is final; an image saved just after the verdict still belongs to it.
    if (change.kind === "imageSaved") return { ...state, ...addImage(data, change.image) };
    return state;
  }

  switch (change.kind) {
    case "queued": {
      const nodes: Record<string, NodeRun> = {};
      for (const id of change.nodes) nodes[id] = { state: "waiting", progress: 0 };
      return {
        phase: "queued",
        nodes,
        order: [...change.nodes],
        overall: 0,
        images: [],
        jobId: null,
      };
    }
    case "submitted":
      return { ...data, phase: "submitted", jobId: change.jobId };
    case "waiting":
      return {
        ...data,
        phase: "waiting",
        queueRank: change.queueRank,
        queueLen: change.queueLen,
      };
    case "node": {
      const progress = change.status === "done" ? 1 : clamp01(change.progress);
      // A node keeps its preview while it runs; done or failed, its result is elsewhere.
      const kept = change.status === "running" ? data.nodes[change.nodeId]?.preview : undefined;
      const node: NodeRun = { state: change.status, progress, ...(kept ? { preview: kept } : {}) };
      const nodes = { ...data.nodes, [change.nodeId]: node };
      const order = data.order.includes(change.nodeId)
        ? data.order
        : [...data.order, change.nodeId];
      const previous = state.phase === "running" ? state.current : null;
      const current =
        change.status === "running" ? change.nodeId : previous === change.nodeId ? null : previous;
      // Overall progress only moves forward, so the bar never jumps back.
      const overall = Math.max(data.overall, clamp01(change.overall));
      return { ...data, phase: "running", nodes, order, overall, current };
    }
    case "imageSaved":
      if (state.phase === "idle")
        return { ...addImage(data, change.image), phase: "running", current: null };
      return { ...state, ...addImage(data, change.image) };
    case "succeeded":
      return {
        ...data,
        phase: "succeeded",
        overall: 1,
        // The job is complete: every node that did not fail has run.
        nodes: mapNodes(data.nodes, (n) =>
          n.state === "failed" ? n : { state: "done", progress: 1 },
        ),
        credits: change.credits,
        imageCount: change.images,
      };
    case "failed":
      return {
        ...data,
        phase: "failed",
        // What was running when the job failed is what failed.
        nodes: mapNodes(data.nodes, (n) => (n.state === "running" ? { ...n, state: "failed" } : n)),
        error: { code: change.code, message: change.message },
      };
    case "canceled":
      return {
        ...data,
        phase: "canceled",
        nodes: mapNodes(data.nodes, (n) =>
          n.state === "running" ? { state: "waiting", progress: 0 } : n,
        ),
      };
    case "preview": {
      const had = data.nodes[change.nodeId];
      // A preview after the node ended (a late frame) is not shown.
      if (state.phase === "idle" || (had && had.state !== "running")) return state;
      const node: NodeRun = {
        state: "running",
        progress: had?.progress ?? 0,
        preview: change.image,
      };
      return { ...state, nodes: { ...data.nodes, [change.nodeId]: node } };
    }
    case "sweepGrid":
      // About the run's sweep, not the run (it comes after the run's end); the sweep view takes it.
      return state;
  }
}

/** The state of one node as the graph shows it. */
export function nodeState(state: RunState, id: string): NodeRun {
  if (state.phase === "idle") return { state: "waiting", progress: 0 };
  return state.nodes[id] ?? { state: "waiting", progress: 0 };
}

/** Counts of nodes per state, over the nodes the run knows. */
export function nodeCounts(state: RunState): Record<NodeState, number> {
  const counts: Record<NodeState, number> = { waiting: 0, running: 0, done: 0, failed: 0 };
  if (state.phase === "idle") return counts;
  for (const n of Object.values(state.nodes)) counts[n.state]++;
  return counts;
}
