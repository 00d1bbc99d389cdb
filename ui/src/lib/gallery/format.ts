// Numbers, dates and sizes in the current UI language, for labels. Each takes the locale so tests
// and callers can pass one; by default it is the UI's. Leaves out relative dates ("2 hours ago").

import { locale, t } from "../i18n/index.svelte";

/** 12345 -> "12,345" (en) / "12,345" (zh-CN). */
export function formatNumber(n: number, loc: string = locale()): string {
  return new Intl.NumberFormat(loc).format(n);
}

/** The message `key.one` or `key.other` for `n`, with `{count}` filled in: "1 image", "12,345
 * images". Both languages get by with these two forms (Chinese uses the same text for both). */
export function plural(key: string, n: number, loc: string = locale()): string {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { count: formatNumber(n, loc) });
}

/** "12,345 images". */
export function formatCount(n: number, loc: string = locale()): string {
  return plural("gallery.count", n, loc);
}

/** A Unix-ms time as a date and time. */
export function formatDate(ms: number, loc: string = locale()): string {
  return new Intl.DateTimeFormat(loc, { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

/** A file size in kB or MB. */
export function formatBytes(bytes: number, loc: string = locale()): string {
  const mb = bytes >= 1_000_000;
  return new Intl.NumberFormat(loc, {
    style: "unit",
    unit: mb ? "megabyte" : "kilobyte",
    maximumFractionDigits: 1,
  }).format(mb ? bytes / 1_000_000 : bytes / 1000);
}

/** A backend as a person names it, from the label an image's `easel` chunk records:
 * `comfyui+http://host:port` is "ComfyUI · host:port", `offline-demo` the demo, any other
 * endpoint Tensor.Art's (or a custom TAMS service's) host. */
export function backendName(label: string): string {
  const host = (url: string) => url.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
  if (label.startsWith("comfyui+"))
    return `${t("gallery.backend.comfyui")} · ${host(label.slice(8))}`;
  if (label === "offline-demo") return t("gallery.backend.demo");
  if (/tensorart\.(cloud|net)/.test(label)) return `${t("gallery.backend.tams")} · ${host(label)}`;
  return host(label);
}
