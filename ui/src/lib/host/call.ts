// The single place that invokes a backend command: outside the app it fails with `noHost`, and
// every rejection becomes an `AppError` the UI can branch on. Typed by the `Commands` map.

import { invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import { NO_HOST, toAppError, type AppError } from "../errors";
import type { ArgsOf, Command, ResultOf } from "./commands";

/** Invokes `command` with its named arguments (or raw bytes sent as the request body, no JSON
 * encoding); rejects with an `AppError`. */
export async function call<K extends Command>(
  command: K,
  ...args: ArgsOf<K>
): Promise<ResultOf<K>> {
  if (!isTauri()) {
    throw {
      code: NO_HOST,
      message: "The Easel backend is not available: this page is not running inside the app.",
    } satisfies AppError;
  }
  try {
    return await invoke<ResultOf<K>>(command, args[0] as InvokeArgs | undefined);
  } catch (error) {
    throw toAppError(error);
  }
}
