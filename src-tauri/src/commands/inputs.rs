//! Pictures for image inputs (LoadImage): picked in a dialog, dropped on the field or pasted.
//! Each accepted file gets a preview token; `easel://localhost/input/<token>` serves only files
//! registered this way, so the webview cannot ask for arbitrary paths.

use easel_error::ErrorCode;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use easel_engine::InputImage;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::backend::AppState;
use crate::commands::files::{pick, Pick};
use crate::AppError;

/// Files the person gave as inputs this session, by preview token.
#[derive(Default)]
pub struct InputFiles(Mutex<HashMap<String, PathBuf>>);

impl InputFiles {
    fn register(&self, path: PathBuf) -> String {
        let mut files = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((token, _)) = files.iter().find(|(_, p)| **p == path) {
            return token.clone();
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        files.insert(token.clone(), path);
        token
    }

    /// Every file registered this session: the only local files a run may upload.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// The file behind a preview token.
    pub fn get(&self, token: &str) -> Option<PathBuf> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(token).cloned()
    }
}

/// An accepted input picture and the token of its preview URL.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InputPicture {
    /// The file, its format and size.
    pub image: InputImage,
    /// For `easel://localhost/input/<token>`.
    pub token: String,
}

fn accept(state: &AppState, image: InputImage) -> InputPicture {
    let token = state.inputs.register(PathBuf::from(&image.path));
    InputPicture { image, token }
}

/// Asks for a picture; `None` when cancelled.
#[tauri::command]
pub async fn pick_input_image(app: AppHandle, state: State<'_, AppState>) -> Result<Option<InputPicture>, AppError> {
    let dialog = app.dialog().file().add_filter("Images", &["png", "jpg", "jpeg", "webp"]);
    let Some(path) = pick(dialog, Pick::File).await else { return Ok(None) };
    let image = tauri::async_runtime::spawn_blocking(move || easel_engine::inspect_input_image(&path))
        .await
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))??;
    Ok(Some(accept(&state, image)))
}

/// Checks a file dropped on the window (see `offered`) and registers it.
#[tauri::command]
pub async fn use_input_image(state: State<'_, AppState>, path: String) -> Result<InputPicture, AppError> {
    state.offered.check(path.as_ref())?;
    let image = tauri::async_runtime::spawn_blocking(move || easel_engine::inspect_input_image(path.as_ref()))
        .await
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))??;
    Ok(accept(&state, image))
}

/// Keeps pasted picture bytes (sent as the raw request body) in the app's data folder.
#[tauri::command]
pub async fn paste_input_image(
    app: AppHandle,
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<InputPicture, AppError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::new(ErrorCode::InvalidInput, "pasted data must arrive as raw bytes"));
    };
    let bytes = bytes.clone();
    let dir = app.path().app_data_dir().map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?.join("pasted-inputs");
    let image = tauri::async_runtime::spawn_blocking(move || easel_engine::keep_pasted_image(&dir, &bytes))
        .await
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))??;
    Ok(accept(&state, image))
}
