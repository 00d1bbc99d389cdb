// Settings' door to the backend: the preferences file, the API key in the OS keychain (only its
// last four characters ever come back), and the file pickers the Settings view needs.

import type { BackendInfo } from "../bindings/BackendInfo";
import type { KeyStatus } from "../bindings/KeyStatus";
import type { RenderingChoice } from "../bindings/RenderingChoice";
import type { Settings } from "../bindings/Settings";
import { call } from "./call";

/** The saved settings (defaults when none were saved). */
export function loadSettings(): Promise<Settings> {
  return call("settings_get");
}

/** Validates, saves and applies settings (switching backend or library when they changed).
 * Rejects with `invalidSettings` naming the field, or `busy` while runs are active. */
export function saveSettings(settings: Settings): Promise<BackendInfo> {
  return call("settings_save", { settings });
}

/** How this window paints (GL compositing or WebKit's software path) and why. */
export function renderingInfo(): Promise<RenderingChoice> {
  return call("rendering_info");
}

/** Whether a key is stored for the backend `settings` describe, and its last four characters. */
export function keyStatus(settings: Settings): Promise<KeyStatus> {
  return call("key_status", { settings });
}

/** Stores or replaces the key for the backend `settings` describe (in the keychain only). */
export function setKey(settings: Settings, key: string): Promise<KeyStatus> {
  return call("key_set", { settings, key });
}

/** Removes the key for the backend `settings` describe. */
export function removeKey(settings: Settings): Promise<KeyStatus> {
  return call("key_remove", { settings });
}

/** Asks for the RSA private key file (PEM); `null` when cancelled. */
export function pickPrivateKey(): Promise<string | null> {
  return call("pick_private_key");
}

/** Asks for a library folder; `null` when cancelled. */
export function pickLibraryFolder(): Promise<string | null> {
  return call("pick_library_folder");
}
