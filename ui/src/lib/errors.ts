// What the UI says about a backend error; it branches on the stable `code` only.

import type { AppError } from "./bindings/AppError";
import { t } from "./i18n/index.svelte";

export type { AppError };

/** Error code used when the UI runs outside the app (plain browser, no backend). */
export const NO_HOST = "noHost";

/** Turns anything a command rejected with into an `AppError` (the backend always sends one). */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null) {
    const { code, message, details } = error as {
      code?: unknown;
      message?: unknown;
      details?: unknown;
    };
    if (typeof code === "string" && typeof message === "string") {
      return typeof details === "object" && details !== null
        ? { code, message, details: details as AppError["details"] }
        : { code, message };
    }
    if (typeof message === "string") return { code: "unknown", message };
  }
  if (typeof error === "string" && error.length > 0) return { code: "unknown", message: error };
  return { code: "unknown", message: t("error.fallback") };
}

export type ErrorView = { title: string; hint: string | null };

/** Codes with their own title (and usually a hint) in the catalogue; others get the fallback. */
const DESCRIBED = new Set([
  "auth",
  "credits",
  "rateLimited",
  "invalidWorkflow",
  "network",
  "server",
  "jobFailed",
  "noKey",
  "busy",
  "needsConfirmation",
  "invalidInput",
  "keychain",
  "invalidSettings",
  "notFound",
  "io",
  "unsafePath",
  "storage",
  "desktop",
  "noHost",
  "unknown",
]);

/** What to say about an error, in the UI's language. */
export function describeError(error: AppError): ErrorView {
  const code = DESCRIBED.has(error.code) ? error.code : "unknown";
  const hint = `error.${code}.hint`;
  const text = t(hint);
  return { title: t(`error.${code}.title`), hint: text === hint ? null : text };
}
