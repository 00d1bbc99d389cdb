//! Settings and the API key. The key goes straight from the command's argument to the keychain;
//! only `KeyStatus` (present + last four characters) ever comes back.

use easel_error::ErrorCode;
use easel_keychain::{key_hint, KeychainEntry};
use easel_settings::{KeyStatus, RenderingChoice, Settings};
use easel_tams::Sensitive;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::backend::{AppState, BackendInfo};
use crate::commands::files::{pick, Pick};
use crate::AppError;

/// The saved settings.
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Settings {
    state.prefs.settings()
}

/// How this window paints and why (Settings → About); a changed setting applies at the next start.
#[tauri::command]
pub fn rendering_info(choice: State<'_, RenderingChoice>) -> RenderingChoice {
    choice.inner().clone()
}

/// Validates and saves settings, switching the backend or library when they changed.
#[tauri::command]
pub async fn settings_save(state: State<'_, AppState>, settings: Settings) -> Result<BackendInfo, AppError> {
    settings.validate()?;
    let old = state.prefs.settings();
    let engine_changed = Settings {
        theme: old.theme,
        language: old.language,
        confirm_above: old.confirm_above,
        rendering: old.rendering,
        ..settings.clone()
    } != old;
    let info = if engine_changed { state.switch(&settings).await? } else { state.backend().info.clone() };
    state.prefs.set_settings(settings)?;
    Ok(info)
}

fn entry(settings: &Settings) -> Result<Option<(KeychainEntry, String)>, AppError> {
    match settings.key_account() {
        None => Ok(None),
        Some(account) => Ok(Some((KeychainEntry::new(&account)?, account))),
    }
}

fn status(settings: &Settings) -> Result<KeyStatus, AppError> {
    Ok(match entry(settings)? {
        None => KeyStatus { present: false, hint: None, account: None },
        Some((entry, account)) => {
            let key = entry.load()?;
            KeyStatus { present: key.is_some(), hint: key.as_ref().map(key_hint), account: Some(account) }
        }
    })
}

/// Whether a key is stored for the backend `settings` describe.
#[tauri::command(async)]
pub fn key_status(settings: Settings) -> Result<KeyStatus, AppError> {
    status(&settings)
}

/// Stores or replaces the key for that backend.
#[tauri::command(async)]
pub fn key_set(settings: Settings, key: String) -> Result<KeyStatus, AppError> {
    let key = Sensitive::new(key);
    let (entry, _) = entry(&settings)?
        .ok_or_else(|| AppError::new(ErrorCode::InvalidSettings, "backend: the offline demo needs no API key"))?;
    entry.store(&key)?;
    status(&settings)
}

/// Removes the key for that backend.
#[tauri::command(async)]
pub fn key_remove(settings: Settings) -> Result<KeyStatus, AppError> {
    if let Some((entry, _)) = entry(&settings)? {
        entry.remove()?;
    }
    status(&settings)
}

/// Asks for the RSA private key file.
#[tauri::command]
pub async fn pick_private_key(app: AppHandle) -> Option<String> {
    let dialog = app.dialog().file().add_filter("PEM private key", &["pem", "key", "txt"]);
    pick(dialog, Pick::File).await.map(|p| p.display().to_string())
}

/// Asks for a library folder.
#[tauri::command]
pub async fn pick_library_folder(app: AppHandle) -> Option<String> {
    pick(app.dialog().file(), Pick::Folder).await.map(|p| p.display().to_string())
}
