// Words and numbers for a run: the status line, elapsed time, percentages.

import type { RunState } from "./reduce";

/** `0:07`, `12:34`, `1:02:03`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** `0%` .. `100%` from a 0..1 fraction (never shows 100% before the end). */
export function formatPercent(fraction: number): string {
  const pct = Math.floor(Math.min(1, Math.max(0, fraction)) * 100);
  return `${pct}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One line saying where the run is. `titleOf` names a node for people. */
export function statusText(state: RunState, titleOf: (id: string) => string): string {
  switch (state.phase) {
    case "idle":
      return "Ready";
    case "queued":
      return "Preparing…";
    case "submitted":
      return "Submitted, waiting for the server…";
    case "waiting": {
      const { queueRank: rank, queueLen: len } = state;
      if (rank !== null && len !== null) return `In queue: position ${rank} of ${len}`;
      if (rank !== null) return `In queue: position ${rank}`;
      return "In queue…";
    }
    case "running": {
      const pct = formatPercent(state.overall);
      if (state.current === null) return `Running… ${pct}`;
      const node = state.nodes[state.current];
      const nodePct = node ? ` ${formatPercent(node.progress)}` : "";
      return `Running ${titleOf(state.current)}${nodePct} · ${pct} overall`;
    }
    case "succeeded": {
      const parts = [`Done: ${plural(state.imageCount, "image")}`];
      if (state.credits !== null) parts.push(`${plural(state.credits, "credit")} used`);
      return parts.join(" · ");
    }
    case "failed":
      return `Failed: ${state.error.message}`;
    case "canceled":
      return "Canceled";
  }
}
