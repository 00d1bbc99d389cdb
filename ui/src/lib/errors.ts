// What the UI says about a backend error; it branches on the stable `code` only.

import type { AppError } from "./bindings/AppError";
import type { ErrorCode } from "./bindings/ErrorCode";
import { t } from "./i18n/index.svelte";

export type { AppError, ErrorCode };

/** Error code used when the UI runs outside the app (plain browser, no backend). */
export const NO_HOST: ErrorCode = "noHost";

/** Turns anything a command rejected with into an `AppError` (the backend always sends one). */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null) {
    const { code, message, details } = error as {
      code?: unknown;
      message?: unknown;
      details?: unknown;
    };
    if (typeof message === "string" && isErrorCode(code)) {
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

/** Every code, with whether its catalogue entry has a hint (`error.<code>.hint`) beside its
 * title (`error.<code>.title`). A `Record` over `ErrorCode`, so a code added on the Rust side
 * does not compile until it is described here. */
const CATALOGUE: Record<ErrorCode, { hint: boolean }> = {
  auth: { hint: true },
  credits: { hint: true },
  rateLimited: { hint: true },
  invalidWorkflow: { hint: true },
  invalidInput: { hint: true },
  unmappedModel: { hint: true },
  needsConfirmation: { hint: true },
  spendCap: { hint: true },
  server: { hint: true },
  network: { hint: true },
  urlExpired: { hint: true },
  jobFailed: { hint: false },
  notFound: { hint: false },
  badImage: { hint: true },
  storage: { hint: true },
  io: { hint: true },
  unsafePath: { hint: true },
  invalidSettings: { hint: true },
  invalidFavourite: { hint: true },
  noKey: { hint: true },
  keychain: { hint: true },
  busy: { hint: true },
  desktop: { hint: true },
  unsupported: { hint: false },
  noHost: { hint: true },
  unknown: { hint: false },
};

/** Whether `code` is one of the codes the backend sends. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(CATALOGUE, code);
}

/** What to say about an error, in the UI's language. */
export function describeError(error: AppError): ErrorView {
  const code = isErrorCode(error.code) ? error.code : "unknown";
  return {
    title: t(`error.${code}.title`),
    hint: CATALOGUE[code].hint ? t(`error.${code}.hint`) : null,
  };
}
