// What the UI says about a backend error; it branches on the stable `code` only.

import type { AppError } from "./bindings/AppError";

export type { AppError };

/** Error code used when the UI runs outside the app (plain browser, no backend). */
export const NO_HOST = "noHost";

/** Turns anything a command rejected with into an `AppError` (the backend always sends one). */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") return { code, message };
    if (typeof message === "string") return { code: "unknown", message };
  }
  if (typeof error === "string" && error.length > 0) return { code: "unknown", message: error };
  return { code: "unknown", message: "Something went wrong." };
}

export type ErrorView = { title: string; hint: string | null };

export function describeError(error: AppError): ErrorView {
  switch (error.code) {
    case "auth":
      return {
        title: "Tensor.Art refused the credentials",
        hint: "Check the API key in Settings.",
      };
    case "credits":
      return {
        title: "Not enough credits",
        hint: "Top up the account or lower the steps and size.",
      };
    case "rateLimited":
      return { title: "Too many requests", hint: "The service is busy; try again in a moment." };
    case "invalidWorkflow":
      return {
        title: "The workflow is not valid",
        hint: "The message says where. Fix that node or input (or the file), then try again.",
      };
    case "network":
      return { title: "Cannot reach the server", hint: "Check the connection, then run again." };
    case "server":
      return { title: "The server had a problem", hint: "Try again; it is usually temporary." };
    case "jobFailed":
      return { title: "The job failed", hint: null };
    case NO_HOST:
      return {
        title: "Not running inside Easel",
        hint: "Start the desktop app to use the backend.",
      };
    default:
      return { title: "Something went wrong", hint: null };
  }
}
