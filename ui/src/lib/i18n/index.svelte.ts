// The message catalogue: every visible string comes from `t(key)`. English is the reference;
// Simplified Chinese must have exactly the same keys (catalogue.test.ts fails otherwise).
// Leaves out plural rules beyond `{count}` substitution: both languages here get by without them.

import { en } from "./en";
import { zhCN } from "./zh-CN";

export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["en", "zh-CN"];
export type Catalogue = Record<string, string>;

const CATALOGUES: Record<Locale, Catalogue> = { en, "zh-CN": zhCN };

let current = $state<Locale>("en");

/** The language the UI shows. */
export function locale(): Locale {
  return current;
}

/** Switches every `t()` at once (components re-render because `current` is reactive). */
export function setLocale(next: Locale): void {
  current = next;
  if (typeof document !== "undefined") document.documentElement.lang = next;
}

/** The best locale for a system language tag such as `zh-Hans-CN` or `en-GB`. */
export function localeFor(tag: string | undefined): Locale {
  return tag && /^zh\b/i.test(tag) ? "zh-CN" : "en";
}

/** The message for `key` with `{name}` placeholders filled. A missing key shows the key itself,
 * so it is visible in the UI and caught by the catalogue test. */
export function t(key: string, params?: Record<string, string | number>): string {
  const text = CATALOGUES[current][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Every catalogue, for the missing-key test. */
export function catalogues(): Record<Locale, Catalogue> {
  return CATALOGUES;
}
