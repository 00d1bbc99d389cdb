// Words and numbers for a run: the status line, elapsed time, percentages, the end-of-batch
// notification.

import { t } from "../i18n/index.svelte";
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

// Singular and plural are separate keys: English needs both, Chinese uses the same text.
function counted(n: number, key: string): string {
  return t(n === 1 ? `${key}.one` : `${key}.many`, { n });
}

/** One line saying where the run is. `titleOf` names a node for people. */
export function statusText(state: RunState, titleOf: (id: string) => string): string {
  switch (state.phase) {
    case "idle":
      return t("status.ready");
    case "queued":
      return t("status.preparing");
    case "submitted":
      return t("status.submitted");
    case "waiting": {
      const { queueRank: rank, queueLen: len } = state;
      if (rank !== null && len !== null) return t("status.queuedOf", { rank, len });
      if (rank !== null) return t("status.queuedAt", { rank });
      return t("status.queued");
    }
    case "running": {
      const pct = formatPercent(state.overall);
      if (state.current === null) return t("status.running", { pct });
      const node = state.nodes[state.current];
      const nodePct = node ? ` ${formatPercent(node.progress)}` : "";
      return t("status.runningNode", { node: `${titleOf(state.current)}${nodePct}`, pct });
    }
    case "succeeded": {
      const parts = [t("status.done", { images: counted(state.imageCount, "status.images") })];
      if (state.credits !== null)
        parts.push(t("status.creditsUsed", { credits: counted(state.credits, "status.credits") }));
      return parts.join(" · ");
    }
    case "failed":
      return t("status.failed", { message: state.error.message });
    case "canceled":
      // A cancel that landed after the service offered a picture keeps it (the engine finishes
      // downloads already started): say so, or the picture beside "Canceled" looks like a bug.
      if (state.images.length > 0)
        return t("status.canceledKept", {
          images: counted(state.images.length, "status.images"),
        });
      return t("status.canceled");
  }
}

/** The desktop notification for runs that just ended: title and body, or null when none did (a
 * start that ended without runs, declined or refused, has nothing to report). */
export function endNotice(ended: readonly RunState[]): { title: string; body: string } | null {
  if (ended.length === 0) return null;
  const failed = ended.filter((s) => s.phase === "failed").length;
  const images = ended.reduce((n, s) => n + (s.phase === "idle" ? 0 : s.images.length), 0);
  if (failed > 0) {
    return {
      title: t("notify.failedTitle"),
      body: t("notify.failedBody", { failed, runs: ended.length }),
    };
  }
  return {
    title: t("notify.doneTitle"),
    body: t("notify.doneBody", { runs: ended.length, images }),
  };
}
