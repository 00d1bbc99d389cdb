// The one door to the backend. Nothing else in the UI imports @tauri-apps/*: components and
// stores call these functions, and unit tests replace this module with vi.mock.

import { invoke, isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { JobEvent } from "../bindings/JobEvent";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { NO_HOST, toAppError, type AppError } from "../errors";

export { NO_HOST, toAppError };

/** The Tauri event that carries every `JobEvent`. */
export const JOB_EVENT = "job://event";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
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

/** The reference workflow the app opens with. */
export function openDefaultWorkflow(): Promise<WorkflowDoc> {
  return call<WorkflowDoc>("open_default_workflow");
}

/** Starts a run of `doc`; resolves with its run id. Progress arrives only as `JobEvent`s. */
export function runWorkflow(doc: WorkflowDoc): Promise<string> {
  return call<string>("run_workflow", { doc });
}

/** Which backend runs the jobs (offline demo or Tensor.Art). */
export function backendInfo(): Promise<BackendInfo> {
  return call<BackendInfo>("backend_info");
}

/** Calls `handler` for every job event; resolves with a function that stops listening. */
export async function onJobEvent(handler: (event: JobEvent) => void): Promise<() => void> {
  if (!isTauri()) return () => {};
  return listen<JobEvent>(JOB_EVENT, (event) => handler(event.payload));
}

/** Whether a user agent string belongs to Windows (WebView2 serves custom schemes over http). */
export function isWindows(userAgent: string): boolean {
  return /windows/i.test(userAgent);
}

/** The URL the webview loads a saved image from (the app's `easel` URI scheme). */
export function imageUrl(
  id: string,
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): string {
  const path = `image/${encodeURIComponent(id)}`;
  return isWindows(userAgent) ? `http://easel.localhost/${path}` : `easel://localhost/${path}`;
}
