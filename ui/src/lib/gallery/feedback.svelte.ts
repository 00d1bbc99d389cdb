// The gallery's messages to the person: one error in plain words (until dismissed or replaced)
// and one toast (a short notice that goes away by itself, with Undo when the action can be
// undone). Leaves out a history of notices: a new toast replaces the previous one.

import type { AppError } from "../bindings/AppError";
import { toAppError } from "../errors";

export type Toast = {
  id: number;
  text: string;
  undo: (() => Promise<void>) | null;
};

/** How long a toast stays: longer when it offers Undo, so there is time to press it. */
const TOAST_MS = 4000;
const UNDO_MS = 8000;

export class Feedback {
  error: AppError | null = $state(null);
  toast: Toast | null = $state(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;

  /** Shows what went wrong (anything a host call rejected with). */
  fail(error: unknown): void {
    this.error = toAppError(error);
  }

  dismissError(): void {
    this.error = null;
  }

  /** Shows a notice; `undo` adds an Undo button. */
  notify(text: string, undo: (() => Promise<void>) | null = null): void {
    this.stopTimer();
    const toast = { id: this.nextId++, text, undo };
    this.toast = toast;
    this.timer = setTimeout(
      () => {
        if (this.toast?.id === toast.id) this.toast = null;
      },
      undo ? UNDO_MS : TOAST_MS,
    );
  }

  dismissToast(): void {
    this.stopTimer();
    this.toast = null;
  }

  /** Runs the shown toast's undo (once). */
  async undo(): Promise<void> {
    const undo = this.toast?.undo;
    this.dismissToast();
    if (undo) await undo();
  }

  /** Runs host calls; a rejection becomes the shown error. Resolves with whether it worked, so
   * nothing a host call throws goes unhandled. */
  async attempt(work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  dispose(): void {
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
