// The one door to the backend. Nothing else in the UI imports @tauri-apps/*: components and
// stores call these functions, and unit tests replace this module with vi.mock.

import { isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { InputPicture } from "../bindings/InputPicture";
import type { Inspection } from "../bindings/Inspection";
import type { ModelInfo } from "../bindings/ModelInfo";
import type { ModelMapping } from "../bindings/ModelMapping";
import type { JobEvent } from "../bindings/JobEvent";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { Readiness } from "../bindings/Readiness";
import type { RunOptions } from "../bindings/RunOptions";
import type { WorkflowDoc } from "../bindings/WorkflowDoc";
import { NO_HOST, toAppError } from "../errors";
import { call, callWithEvents } from "./call";

export { NO_HOST, toAppError };

/** The Tauri event that carries the `JobEvent`s of runs no start call of this window made. */
export const JOB_EVENT = "job://event";

/** The reference workflow the app opens with. */
export function openDefaultWorkflow(): Promise<OpenedWorkflow> {
  return call("open_default_workflow");
}

/** Opens a workflow file (JSON in any dialect, or a PNG with metadata) by absolute path. */
export function openWorkflowFile(path: string): Promise<OpenedWorkflow> {
  return call("open_workflow_file", { path });
}

/** Opens a workflow pasted as text. */
export function importWorkflowText(name: string, text: string): Promise<OpenedWorkflow> {
  return call("import_workflow_text", { name, text });
}

/** The edited graph's problems, form fields and one run's estimate, from one call. */
export function inspectWorkflow(doc: WorkflowDoc): Promise<Inspection> {
  return call("inspect_workflow", { doc });
}

/** Called with each event of the runs one start call made, in order. */
export type OnJobEvent = (event: JobEvent) => void;

/** Starts a batch of runs of `doc`; resolves with one run id per run. Their progress arrives only
 * through `onEvent` (possibly before this resolves). Above the credit threshold
 * `options.approvedCredits` must hold the accepted total (`needsConfirmation` otherwise). */
export function runWorkflow(
  doc: WorkflowDoc,
  options: RunOptions,
  onEvent: OnJobEvent,
): Promise<string[]> {
  return callWithEvents("run_workflow", { doc, options }, onEvent);
}

/** Asks the backend to cancel a run; `false` when it was no longer active. */
export function cancelRun(runId: string): Promise<boolean> {
  return call("cancel_run", { runId });
}

/** What the person agreed to for one start call: `credits`, the total accepted when asked about
 * the threshold; `overCap`, the total accepted while shown the spend cap it passes. Only the
 * second passes a cap (`spendCap` otherwise). */
export type Approval = { credits?: number; overCap?: number };

/** An approval as the commands take it. */
export function approvalArgs(approval: Approval): {
  approvedCredits: number | null;
  approvedOverCap: number | null;
} {
  return { approvedCredits: approval.credits ?? null, approvedOverCap: approval.overCap ?? null };
}

/** Starts a recorded run's document again as a new run; resolves with the new run id, its events
 * go to `onEvent`. Above the credit threshold it needs the accepted total (`needsConfirmation`
 * otherwise), past a spend cap the total accepted beside the cap (`spendCap`). */
export function retryRun(
  runId: string,
  onEvent: OnJobEvent,
  approval: Approval = {},
): Promise<string> {
  return callWithEvents("retry_run", { runId, ...approvalArgs(approval) }, onEvent);
}

/** Moves pending runs to the front of the queue, in this order. */
export function reorderRuns(first: string[]): Promise<void> {
  return call("reorder_runs", { first });
}

/** Asks for a workflow file (JSON or PNG) in the OS dialog; `null` when cancelled. */
export function pickWorkflowFile(): Promise<string | null> {
  return call("pick_workflow_file");
}

/** Recently opened workflow files, newest first. */
export function recentFiles(): Promise<string[]> {
  return call("recent_files");
}

/** Sends a desktop notification. */
export function notify(title: string, body: string): Promise<void> {
  return call("notify", { title, body });
}

/** Name and kind of a model id (from the service's model catalogue). */
export function modelInfo(id: string): Promise<ModelInfo> {
  return call("model_info", { id });
}

/** Every model file name this library maps to a model id. */
export function modelMappings(): Promise<ModelMapping[]> {
  return call("model_mappings");
}

/** Maps a model file name to the model `reference` names (a Tensor.Art model page URL or an id).
 * With `kind` (the input's model family) a model of a type that does not fit is refused
 * (`invalidInput`, the message names both types); an unknown id is `notFound`. */
export function modelMap(
  file: string,
  reference: string,
  kind: string | null,
): Promise<ModelMapping> {
  return call("model_map", { file, reference, kind });
}

/** Forgets the mapping of a model file name; `false` when there was none. */
export function modelUnmap(file: string): Promise<boolean> {
  return call("model_unmap", { file });
}

/** Whether each workflow runs as it stands, in the order given (at most 500 at once). */
export function workflowReadiness(docs: WorkflowDoc[]): Promise<Readiness[]> {
  return call("workflow_readiness", { docs });
}

/** Asks for a picture for an image input; `null` when cancelled. */
export function pickInputImage(): Promise<InputPicture | null> {
  return call("pick_input_image");
}

/** Uses a dropped file as an image input (checked to be a PNG, JPEG or WebP). */
export function useInputImage(path: string): Promise<InputPicture> {
  return call("use_input_image", { path });
}

/** Keeps pasted picture bytes as a file for an image input. */
export function pasteInputImage(bytes: Uint8Array): Promise<InputPicture> {
  return call("paste_input_image", bytes);
}

/** Which backend runs the jobs (offline demo or Tensor.Art). */
export function backendInfo(): Promise<BackendInfo> {
  return call("backend_info");
}

/** Calls `handler` for every job event of runs this window did not start (those resumed at
 * launch), in order; the backend sends them as arrays, at most one a frame. Resolves with a
 * function that stops listening. */
export async function onJobEvent(handler: (event: JobEvent) => void): Promise<() => void> {
  if (!isTauri()) return () => {};
  return listen<JobEvent[]>(JOB_EVENT, (event) => event.payload.forEach((e) => handler(e)));
}

export type FileDropHandlers = {
  /** Files are being dragged over the window (true) or left it (false). */
  hover?: (over: boolean) => void;
  /** Files were dropped: their absolute paths and where (CSS pixels in the window). */
  drop: (paths: string[], at: { x: number; y: number }) => void;
};

/** Follows OS file drops on the window; resolves with a function that stops listening. */
export async function onFileDrop(handlers: FileDropHandlers): Promise<() => void> {
  if (!isTauri()) return () => {};
  // Loaded here, not with the start-up script: the window and webview API (16 KB minified) is
  // used only by this listener, which is registered after the first paint.
  const { getCurrentWebview } = await import("@tauri-apps/api/webview");
  return getCurrentWebview().onDragDropEvent((event) => {
    const payload = event.payload;
    if (payload.type === "enter" || payload.type === "over") handlers.hover?.(true);
    else if (payload.type === "leave") handlers.hover?.(false);
    else if (payload.type === "drop") {
      handlers.hover?.(false);
      // Tauri reports physical pixels; the page thinks in CSS pixels.
      const scale = globalThis.devicePixelRatio || 1;
      handlers.drop(payload.paths, {
        x: payload.position.x / scale,
        y: payload.position.y / scale,
      });
    }
  });
}

/** Whether a user agent string belongs to Windows (WebView2 serves custom schemes over http). */
export function isWindows(userAgent: string): boolean {
  return /windows/i.test(userAgent);
}

function schemeUrl(path: string, userAgent: string): string {
  return isWindows(userAgent) ? `http://easel.localhost/${path}` : `easel://localhost/${path}`;
}

/** The URL the webview loads a library image from (the app's `easel` URI scheme). */
export function imageUrl(
  id: number | string,
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): string {
  return schemeUrl(`image/${encodeURIComponent(String(id))}`, userAgent);
}

/** URL of an image input's preview (a file the person picked, dropped or pasted). */
export function inputUrl(
  token: string,
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): string {
  return schemeUrl(`input/${encodeURIComponent(token)}`, userAgent);
}

/** URL of a model's showcase picture. */
export function modelPreviewUrl(
  id: string,
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): string {
  return schemeUrl(`model/${encodeURIComponent(id)}`, userAgent);
}

/** URL of a library image's thumbnail (about 512 px on the long side, cached for good). */
export function thumbUrl(
  id: number | string,
  userAgent: string = globalThis.navigator?.userAgent ?? "",
): string {
  return schemeUrl(`thumb/${encodeURIComponent(String(id))}`, userAgent);
}
