// Applies the settings the whole window shows at once: theme and language. The app calls
// `applySettings` at start and after each save; backend and library changes are the backend's.

import type { Language } from "../bindings/Language";
import type { Settings } from "../bindings/Settings";
import { localeFor, setLocale, type Locale } from "../i18n/index.svelte";
import { applyTheme } from "./theme";

/** The UI locale for a language setting; "system" goes by the system's language tag. */
export function localeOf(language: Language, systemTag: string | undefined): Locale {
  return language === "system" ? localeFor(systemTag) : language;
}

/** Shows `settings`' theme and language. */
export function applySettings(settings: Pick<Settings, "theme" | "language">): void {
  applyTheme(settings.theme);
  setLocale(localeOf(settings.language, globalThis.navigator?.language));
}
