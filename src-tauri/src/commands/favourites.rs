//! Favourite workflows: list, save, rename, duplicate, delete/restore, import/export through the
//! OS dialogs, and run in one click. The rules live in easel-settings; storage in `Prefs`.

use easel_error::ErrorCode;
use easel_settings::{Favourite, FavouriteDraft};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::backend::AppState;
use crate::commands::files::{pick, Pick};
use crate::AppError;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

/// Every favourite, most recently changed first.
#[tauri::command(async)]
pub fn favourites_list(state: State<'_, AppState>) -> Result<Vec<Favourite>, AppError> {
    state.prefs.favourites(|f| Ok(f.list()))
}

/// Saves a new favourite or updates one.
#[tauri::command(async)]
pub fn favourite_save(state: State<'_, AppState>, draft: FavouriteDraft) -> Result<Favourite, AppError> {
    state.prefs.change_favourites(|f| f.save(draft, now_ms()))
}

/// Renames a favourite.
#[tauri::command(async)]
pub fn favourite_rename(state: State<'_, AppState>, id: String, name: String) -> Result<Favourite, AppError> {
    state.prefs.change_favourites(|f| f.rename(&id, &name, now_ms()))
}

/// Copies a favourite as "<name> <copySuffix>" (the suffix comes translated from the UI).
#[tauri::command(async)]
pub fn favourite_duplicate(state: State<'_, AppState>, id: String, copy_suffix: String) -> Result<Favourite, AppError> {
    state.prefs.change_favourites(|f| f.duplicate(&id, &copy_suffix, now_ms()))
}

/// Deletes a favourite and returns it, for undo.
#[tauri::command(async)]
pub fn favourite_delete(state: State<'_, AppState>, id: String) -> Result<Favourite, AppError> {
    state.prefs.change_favourites(|f| f.delete(&id))
}

/// Puts back a deleted favourite.
#[tauri::command(async)]
pub fn favourite_restore(state: State<'_, AppState>, favourite: Favourite) -> Result<Favourite, AppError> {
    state.prefs.change_favourites(|f| f.restore(favourite))
}

/// Asks where to save, then writes the favourites (all when `ids` is empty).
#[tauri::command]
pub async fn favourites_export(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<Option<String>, AppError> {
    let text = state.prefs.favourites(|f| f.export(&ids))?;
    let dialog = app.dialog().file().set_file_name("easel-favourites.json").add_filter("JSON", &["json"]);
    let Some(path) = pick(dialog, Pick::SaveFile).await else { return Ok(None) };
    easel_settings::save_json_file(&path, text.as_bytes())
        .map_err(|e| AppError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
    Ok(Some(path.display().to_string()))
}

/// Asks for a favourites file and adds all of its entries, or none.
#[tauri::command]
pub async fn favourites_import(app: AppHandle, state: State<'_, AppState>) -> Result<Option<Vec<Favourite>>, AppError> {
    let dialog = app.dialog().file().add_filter("JSON", &["json"]);
    let Some(path) = pick(dialog, Pick::File).await else { return Ok(None) };
    let text = tokio::fs::read_to_string(&path)
        .await
        .map_err(|e| AppError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    state.prefs.change_favourites(|f| f.import(&name, &text, now_ms())).map(Some)
}

/// Runs a favourite as saved (`count` runs, seeds as saved), through the engine's pipeline.
#[tauri::command]
pub async fn favourite_run(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    count: u32,
    approved_credits: Option<f64>,
    approved_over_cap: Option<f64>,
    events: tauri::ipc::Channel<Vec<easel_engine::JobEvent>>,
) -> Result<Vec<String>, AppError> {
    let favourite = state.prefs.favourites(|f| f.get(&id).cloned())?;
    let work = crate::commands::workflow::graph_work(&favourite.doc, Vec::new(), easel_engine::WildcardMode::Seeded)?;
    let caller = crate::runs::Caller { app, events };
    let approval = crate::runs::Approval { credits: approved_credits, over_cap: approved_over_cap };
    crate::runs::start(&state, caller, favourite.name, count.max(1), work, approval).await
}
