// The Settings view's state: the saved settings, the draft being edited, the API key's status for
// the draft's service, and what the last save said. The key itself is never kept here: `setKey`
// hands it straight to the host, and only the hint (last four characters) comes back.

import type { AppError } from "../bindings/AppError";
import type { BackendInfo } from "../bindings/BackendInfo";
import type { KeyStatus } from "../bindings/KeyStatus";
import type { Settings } from "../bindings/Settings";
import { toAppError } from "../errors";
import * as host from "../host/settings";
import { t } from "../i18n/index.svelte";

/** A message about one field: an `invalidSettings` error names it in `details.field`. */
export type FieldError = { field: string; message: string };

/** The field an error is about, from its data; null when it names none. */
export function fieldError(error: AppError): FieldError | null {
  const field = error.code === "invalidSettings" ? error.details?.field : undefined;
  return field ? { field, message: error.message } : null;
}

/** The fields the form shows for `s`, by their Settings names. */
export function visibleFields(s: Settings): string[] {
  const fields = ["backend"];
  if (s.backend === "tams") fields.push("region");
  if (s.backend === "custom") fields.push("customUrl");
  if (s.backend === "comfyui") fields.push("comfyuiUrl", "comfyuiHeader");
  if (s.backend === "tams" || s.backend === "custom") {
    fields.push("authMode");
    if (s.authMode === "rsa") fields.push("appId", "privateKeyPath");
  }
  fields.push("libraryFolder", "concurrency", "confirmAbove", "theme", "language");
  return fields;
}

/** Whether the draft names a service with a key account: the demo needs none, a custom URL
 * must look like one before a key can be filed under it, and a ComfyUI server has a secret only
 * when a proxy header is named (its value is what the keychain keeps). */
export function hasKeyAccount(s: Settings): boolean {
  if (s.backend === "demo") return false;
  if (s.backend === "comfyui") {
    return s.comfyuiHeader.trim() !== "" && /^https?:\/\/\S/.test(s.comfyuiUrl.trim());
  }
  return s.backend === "tams" || /^https?:\/\/\S/.test(s.customUrl.trim());
}

// Numbers the backend could not even read (an emptied box is null): caught here, said per field.
function unreadable(s: Settings): AppError | null {
  const invalid = (field: string, why: string): AppError => ({
    code: "invalidSettings",
    message: why,
    details: { field },
  });
  if (!Number.isInteger(s.concurrency)) return invalid("concurrency", t("settings.wholeNumber"));
  if (!Number.isFinite(s.confirmAbove)) return invalid("confirmAbove", t("settings.notNumber"));
  return null;
}

export type Saved = { settings: Settings; backend: BackendInfo };

export class SettingsState {
  load = $state<"loading" | "ready" | "failed">("loading");
  saved = $state<Settings | null>(null);
  draft = $state<Settings | null>(null);
  saving = $state(false);
  /** What the last successful save answered, until the draft changes again. */
  done = $state<BackendInfo | null>(null);
  error = $state<AppError | null>(null);

  key = $state<KeyStatus | null>(null);
  keyBusy = $state(false);
  keyError = $state<AppError | null>(null);

  readonly dirty = $derived(JSON.stringify(this.draft) !== JSON.stringify(this.saved));
  /** The error when it names a field the form shows (else it is shown as a general error). */
  readonly located = $derived.by((): FieldError | null => {
    if (!this.error || !this.draft) return null;
    const located = fieldError(this.error);
    return located && visibleFields(this.draft).includes(located.field) ? located : null;
  });
  readonly keyAccount = $derived(this.draft !== null && hasKeyAccount(this.draft));

  #keySeq = 0;

  async start(): Promise<void> {
    try {
      const settings = await host.loadSettings();
      this.saved = settings;
      this.draft = structuredClone(settings);
      this.load = "ready";
      await this.refreshKey();
    } catch (error) {
      this.error = toAppError(error);
      this.load = "failed";
    }
  }

  /** Saves the draft; resolves with what was saved, or null (the reason is in `error`). */
  async save(): Promise<Saved | null> {
    if (!this.draft || this.saving) return null;
    const settings = $state.snapshot(this.draft);
    this.done = null;
    this.error = unreadable(settings);
    if (this.error) return null;
    this.saving = true;
    try {
      const backend = await host.saveSettings(settings);
      this.saved = settings;
      this.done = backend;
      return { settings, backend };
    } catch (error) {
      this.error = toAppError(error);
      return null;
    } finally {
      this.saving = false;
    }
  }

  /** Asks the key status for the draft's service (call when the service changes). A newer
   * question wins over an older one still under way. */
  async refreshKey(): Promise<void> {
    const seq = ++this.#keySeq;
    const draft = this.draft && $state.snapshot(this.draft);
    this.keyError = null;
    if (!draft || !hasKeyAccount(draft)) {
      this.key = null;
      return;
    }
    try {
      const status = await host.keyStatus(draft);
      if (seq === this.#keySeq) this.key = status;
    } catch (error) {
      if (seq !== this.#keySeq) return;
      this.key = null;
      this.keyError = toAppError(error);
    }
  }

  /** Stores `key` for the draft's service; true when it is in the keychain. */
  async setKey(key: string): Promise<boolean> {
    return this.#keyChange((draft) => host.setKey(draft, key));
  }

  async removeKey(): Promise<boolean> {
    return this.#keyChange((draft) => host.removeKey(draft));
  }

  async pickPrivateKey(): Promise<void> {
    const path = await this.#pick(host.pickPrivateKey);
    if (path !== null && this.draft) this.draft.privateKeyPath = path;
  }

  async pickLibraryFolder(): Promise<void> {
    const path = await this.#pick(host.pickLibraryFolder);
    if (path !== null && this.draft) this.draft.libraryFolder = path;
  }

  async #keyChange(change: (draft: Settings) => Promise<KeyStatus>): Promise<boolean> {
    if (!this.draft || this.keyBusy) return false;
    const seq = ++this.#keySeq;
    this.keyBusy = true;
    this.keyError = null;
    try {
      const status = await change($state.snapshot(this.draft));
      if (seq === this.#keySeq) this.key = status;
      return true;
    } catch (error) {
      this.keyError = toAppError(error);
      return false;
    } finally {
      this.keyBusy = false;
    }
  }

  async #pick(picker: () => Promise<string | null>): Promise<string | null> {
    try {
      return await picker();
    } catch (error) {
      this.error = toAppError(error);
      return null;
    }
  }
}
