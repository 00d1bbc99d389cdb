// The sweep editor's one-line summary: the axes' sizes, the cells and runs they make and what
// the quote says they cost ("2 × 2 = 4 runs · 9.6 credits"), or that the cost is being asked or
// unknown; and which quote failures mean the sweep cannot run at all. Pure.

import { formatCredits } from "../generate/form/credits";
import { formatNumber } from "../gallery/format";
import { t } from "../i18n/index.svelte";
import { cellCount } from "./cells";
import type { AppError } from "../bindings/AppError";
import type { Estimate } from "../bindings/Estimate";

/** The quote of the whole sweep: none yet (an axis does not parse), asked, known, or refused. */
export type QuoteState =
  | { kind: "none" }
  | { kind: "pending" }
  | { kind: "ready"; estimate: Estimate }
  | { kind: "failed"; error: AppError };

/** Failures that mean the sweep cannot run as it stands (an S/R word in no prompt, too many
 * runs, a graph that does not validate), not only that its price is unknown. */
const REFUSALS: ReadonlySet<string> = new Set(["invalidInput", "invalidWorkflow", "unmappedModel"]);

/** Whether a quote's failure refuses the sweep (Run stays off) rather than leaving its price
 * to the engine's own check. */
export function isRefusal(error: AppError): boolean {
  return REFUSALS.has(error.code);
}

export type Summary = {
  /** What the summary line says. */
  text: string;
  /** Why the cost is unknown, for the tooltip; null when it is known or being asked. */
  why: string | null;
};

/** The summary of axes of `lengths` values (X first, only the axes there are): runs from the
 * quote when it answered, else `runsPerCell` times the cells (null: not known). */
export function sweepSummary(
  lengths: readonly number[],
  quote: QuoteState,
  runsPerCell: number | null,
): Summary {
  const cells = cellCount(lengths);
  const sizes = lengths.map((n) => formatNumber(n)).join(" × ");
  const runs =
    quote.kind === "ready"
      ? quote.estimate.runs
      : runsPerCell === null
        ? null
        : cells * runsPerCell;
  const head =
    runs === null || runs === cells
      ? t("sweep.summary.runs", { sizes, runs: formatNumber(cells) })
      : t("sweep.summary.cells", { sizes, cells: formatNumber(cells), runs: formatNumber(runs) });
  switch (quote.kind) {
    case "ready": {
      const credits = formatCredits(quote.estimate.total);
      return { text: `${head} · ${t("sweep.summary.credits", { credits })}`, why: null };
    }
    case "pending":
      return { text: `${head} · ${t("sweep.summary.pricing")}`, why: null };
    case "failed":
      if (isRefusal(quote.error)) return { text: head, why: null };
      return {
        text: `${head} · ${t("sweep.summary.unknown")}`,
        why: t("sweep.summary.unknownTitle", { message: quote.error.message }),
      };
    case "none":
      return { text: head, why: null };
  }
}
