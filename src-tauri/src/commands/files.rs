//! The OS file dialogs, recent files and desktop notifications. Dialogs are the platform's own
//! (tauri-plugin-dialog); a cancelled dialog is `None`, never an error.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

use crate::backend::AppState;
use crate::AppError;

/// What a dialog asks for.
pub(crate) enum Pick {
    File,
    Folder,
    SaveFile,
}

/// Shows a dialog and waits for the answer without blocking the async runtime.
pub(crate) async fn pick(dialog: FileDialogBuilder<tauri::Wry>, what: Pick) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let answer = move |path: Option<tauri_plugin_dialog::FilePath>| {
        // If the command was dropped meanwhile, nobody waits for the path.
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    };
    match what {
        Pick::File => dialog.pick_file(answer),
        Pick::Folder => dialog.pick_folder(answer),
        Pick::SaveFile => dialog.save_file(answer),
    }
    rx.await.ok().flatten()
}

/// Puts a workflow file first in the recent list; a failure to save the list is only logged,
/// because the workflow itself opened fine.
pub(crate) fn remember(state: &AppState, path: &str) {
    if let Err(e) = state.prefs.remember(path) {
        eprintln!("easel-app: could not update the recent files: {}", e.message);
    }
}

/// Asks for a workflow file (JSON or PNG); `None` when cancelled.
#[tauri::command]
pub async fn pick_workflow_file(app: AppHandle, state: State<'_, AppState>) -> Result<Option<String>, AppError> {
    let dialog = app.dialog().file().add_filter("Workflows (JSON, PNG)", &["json", "png"]);
    let picked = pick(dialog, Pick::File).await;
    if let Some(path) = &picked {
        state.offered.offer([path.clone()]);
    }
    Ok(picked.map(|p| p.display().to_string()))
}

/// Recently opened workflow files, newest first (files that vanished are left out).
#[tauri::command]
pub fn recent_files(state: State<'_, AppState>) -> Vec<String> {
    state.prefs.recent().into_iter().filter(|p| std::path::Path::new(p).exists()).collect()
}

/// Sends a desktop notification (the UI decides when: a run ended while the window was not
/// focused). Fails with `desktop` when no notification service runs.
#[tauri::command]
pub async fn notify(title: String, body: String) -> Result<(), AppError> {
    crate::desktop::notify(title, body).await
}
