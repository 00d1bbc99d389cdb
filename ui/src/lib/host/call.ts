// The single place that invokes a backend command: outside the app it fails with `noHost`, and
// every rejection becomes an `AppError` the UI can branch on.

import { invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import { NO_HOST, toAppError, type AppError } from "../errors";

/** Invokes `command`; rejects with an `AppError`. */
/** `args` is named arguments, or raw bytes sent as the request body (no JSON encoding). */
export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  if (!isTauri()) {
    throw {
      code: NO_HOST,
      message: "The Easel backend is not available: this page is not running inside the app.",
    } satisfies AppError;
  }
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toAppError(error);
  }
}
