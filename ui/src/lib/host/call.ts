// The single place that invokes a backend command: outside the app it fails with `noHost`, and
// every rejection becomes an `AppError` the UI can branch on. Typed by the `Commands` map.

import { Channel, invoke, isTauri, type InvokeArgs } from "@tauri-apps/api/core";
import type { JobEvent } from "../bindings/JobEvent";
import { NO_HOST, toAppError, type AppError } from "../errors";
import type { ArgsOf, Command, Commands, ResultOf } from "./commands";

const noHost: AppError = {
  code: NO_HOST,
  message: "The Easel backend is not available: this page is not running inside the app.",
};

/** The commands that start runs: they take the channel their runs' events arrive on. */
export type RunCommand = {
  [K in Command]: Commands[K]["args"] extends { events: Channel<JobEvent[]> } ? K : never;
}[Command];

/** Invokes `command` with its named arguments (or raw bytes sent as the request body, no JSON
 * encoding); rejects with an `AppError`. */
export async function call<K extends Command>(
  command: K,
  ...args: ArgsOf<K>
): Promise<ResultOf<K>> {
  if (!isTauri()) throw noHost;
  try {
    return await invoke<ResultOf<K>>(command, args[0] as InvokeArgs | undefined);
  } catch (error) {
    throw toAppError(error);
  }
}

/** Invokes a command that starts runs with a channel of its own: every event of those runs, from
 * each one's `queued` on (possibly before the ids come back), goes to `onEvent`, in order (the
 * backend sends them as arrays, at most one a frame). */
export async function callWithEvents<K extends RunCommand>(
  command: K,
  args: Omit<Commands[K]["args"], "events">,
  onEvent: (event: JobEvent) => void,
): Promise<ResultOf<K>> {
  // A channel registers a callback with the webview, which only exists inside the app.
  if (!isTauri()) throw noHost;
  const events = new Channel<JobEvent[]>();
  events.onmessage = (batch) => batch.forEach((event) => onEvent(event));
  return call(command, ...([{ ...args, events }] as ArgsOf<K>));
}
