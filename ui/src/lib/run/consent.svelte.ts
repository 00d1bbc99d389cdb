// The one place the window asks a person to agree to a cost. The engine decides whether a batch
// needs agreement (above the Settings threshold) and refuses with `needsConfirmation` and the
// estimate in `details`; any front door (Run, a favourite, "Run again", retry) passes its start
// call through `withConsent`, which asks here and calls again with the total the person
// accepted. The confirmation dialog shows `consent.question`.

import { toAppError } from "../errors";

export type CostQuestion = { credits: number; threshold: number };

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

/** Calls `start(approved)`; when the backend answers `needsConfirmation`, asks and, if accepted,
 * calls again with the accepted total. Resolves `null` when the person declines. */
export async function withConsent<T>(
  start: (approved: number | undefined) => Promise<T>,
  approved?: number,
): Promise<T | null> {
  try {
    return await start(approved);
  } catch (error) {
    const e = toAppError(error);
    const credits = e.details?.credits;
    if (e.code !== "needsConfirmation" || credits === undefined) throw error;
    const accepted = await consent.ask({ credits, threshold: e.details?.threshold ?? 0 });
    if (!accepted) return null;
    return await start(credits);
  }
}
