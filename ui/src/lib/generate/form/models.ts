// Model details for model fields and the model picker, asked once per id however many fields
// show it, and what a failed lookup says. Leaves out the preview picture: the webview loads it by
// URL (host.modelPreviewUrl), the backend caches it.

import type { ModelInfo } from "../../bindings/ModelInfo";
import { toAppError, type AppError } from "../../errors";
import * as host from "../../host";
import { t } from "../../i18n/index.svelte";

const asked = new Map<string, Promise<ModelInfo>>();

/** Answers that will not change this session; others (offline, server) are asked again. */
const LASTING = new Set(["notFound", "invalidInput"]);

/** The details of a model id; rejects with an `AppError` (`notFound`: no such model). */
export function describeModel(id: string): Promise<ModelInfo> {
  let answer = asked.get(id);
  if (!answer) {
    answer = ask(id);
    asked.set(id, answer);
    answer.catch((error: unknown) => {
      if (!LASTING.has(toAppError(error).code)) asked.delete(id);
    });
  }
  return answer;
}

/** Async so that even a synchronous failure of the door arrives as a rejection. */
async function ask(id: string): Promise<ModelInfo> {
  return host.modelInfo(id);
}

/** What a failed lookup says, by code: an unknown id, a value that is no id, or no answer. */
export function lookupFailure(error: AppError): string {
  if (error.code === "notFound") return t("form.model.unknown");
  if (error.code === "invalidInput") return t("form.model.notAnId");
  return t("form.model.unavailable");
}
