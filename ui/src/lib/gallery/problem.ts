// A host error in plain words for the gallery: a sentence chosen by the error's stable `code`,
// with the backend's own message as the detail. Leaves out hints per code; the message says where.

import type { AppError } from "../bindings/AppError";
import { t } from "../i18n/index.svelte";

/** The headline for `error` in the current language. */
export function problemTitle(error: AppError): string {
  const key = `gallery.error.${error.code}`;
  const title = t(key);
  return title === key ? t("gallery.error.unknown") : title;
}
