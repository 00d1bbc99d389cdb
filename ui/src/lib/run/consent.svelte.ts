// The one place the window asks a person to agree to a cost. The engine decides whether a batch
// needs agreement and refuses with the numbers in `details`: `needsConfirmation` above the
// Settings threshold (the estimate and the threshold), `spendCap` when the batch would take the
// day's or month's spend past a cap (the estimate, what was spent, the cap and which one). Any
// front door (Run, a favourite, "Run again", retry) passes its start call through `withConsent`,
// which asks here and calls again with what the person accepted: the total, as `credits` for the
// threshold and as `overCap` beside a cap (only that one passes a cap). The confirmation dialog
// shows `consent.question`.

import type { CapPeriod } from "../bindings/CapPeriod";
import type { SpendReport } from "../bindings/SpendReport";
import { toAppError, type AppError } from "../errors";
import type { Approval } from "../host";

/** A batch above the Settings threshold. */
export type ThresholdQuestion = { kind: "threshold"; credits: number; threshold: number };
/** A batch that would pass a spend cap: `spent` in the cap's period so far (runs not yet finished
 * included), `credits` the batch's estimate. */
export type CapQuestion = {
  kind: "cap";
  credits: number;
  spent: number;
  cap: number;
  period: CapPeriod;
};
export type CostQuestion = ThresholdQuestion | CapQuestion;

class Consent {
  /** The question on screen, if any. */
  question = $state.raw<CostQuestion | null>(null);
  #answer: ((accepted: boolean) => void) | null = null;

  /** Shows `question`; resolves with the person's answer. A newer question declines an older one. */
  ask(question: CostQuestion): Promise<boolean> {
    this.#answer?.(false);
    this.question = question;
    return new Promise((resolve) => {
      this.#answer = resolve;
    });
  }

  /** The person's answer to the question on screen. */
  answer(accepted: boolean): void {
    const answer = this.#answer;
    this.#answer = null;
    this.question = null;
    answer?.(accepted);
  }
}

export const consent = new Consent();

/** The question a refusal asks, or null when it is not about agreeing to a cost (or lacks the
 * numbers to ask with). */
export function questionOf(error: AppError): CostQuestion | null {
  const d = error.details;
  if (d?.credits === undefined) return null;
  if (error.code === "needsConfirmation")
    return { kind: "threshold", credits: d.credits, threshold: d.threshold ?? 0 };
  if (error.code === "spendCap" && d.spent !== undefined && d.cap !== undefined)
    return {
      kind: "cap",
      credits: d.credits,
      spent: d.spent,
      cap: d.cap,
      period: d.period ?? "day",
    };
  return null;
}

/** Credits a cap may be passed by before it counts as passed (the engine's `CAP_SLACK`). */
const CAP_SLACK = 1e-6;

/** The question the engine's cap check would raise for `credits` more on top of what a spend
 * report says was spent: the first cap passed (daily before monthly, as the engine checks), or
 * null when none would be. For a front door that asks before calling, so a batch above the
 * threshold and past a cap is asked about once, with the cap shown. */
export function capQuestion(
  spent: Pick<SpendReport, "today" | "thisMonth" | "caps">,
  credits: number,
): CapQuestion | null {
  const checks = [
    { period: "day" as const, cap: spent.caps.daily, spent: spent.today },
    { period: "month" as const, cap: spent.caps.monthly, spent: spent.thisMonth },
  ];
  for (const c of checks) {
    if (c.cap !== null && c.spent + credits > c.cap + CAP_SLACK)
      return { kind: "cap", credits, spent: c.spent, cap: c.cap, period: c.period };
  }
  return null;
}

/** What accepting `question` agrees to. */
export function approvalOf(question: CostQuestion): Approval {
  return question.kind === "cap"
    ? { credits: question.credits, overCap: question.credits }
    : { credits: question.credits };
}

/** Calls `start(approval)`; when the backend answers `needsConfirmation` or `spendCap`, asks and,
 * if accepted, calls again with what was accepted (a batch above the threshold may be asked about
 * the cap next). Resolves `null` when the person declines. */
export async function withConsent<T>(
  start: (approval: Approval) => Promise<T>,
  approval: Approval = {},
): Promise<T | null> {
  // Bounded: a threshold answer can be followed by one cap question, and a cap answer passes both.
  for (let asked = 0; ; asked++) {
    try {
      return await start(approval);
    } catch (error) {
      const question = questionOf(toAppError(error));
      if (question === null || asked >= 2) throw error;
      if (!(await consent.ask(question))) return null;
      approval = { ...approval, ...approvalOf(question) };
    }
  }
}
