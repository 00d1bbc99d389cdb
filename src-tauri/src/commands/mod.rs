//! Commands the UI invokes, one file per area. Each is a few lines: convert, call a crate, map
//! the error to `{code, message}`.

pub mod favourites;
pub mod files;
pub mod history;
pub mod inputs;
pub mod library;
pub mod models;
pub mod queue;
pub mod settings;
pub mod sweep;
pub mod workflow;

use easel_error::ErrorCode;
use std::sync::Arc;

use easel_library::Library;

use crate::AppError;

/// Runs blocking library work off the async runtime's threads.
pub(crate) async fn on_library<T: Send + 'static>(
    library: Arc<Library>,
    work: impl FnOnce(&Library) -> Result<T, easel_library::LibraryError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(move || work(&library))
        .await
        .map_err(|e| AppError::new(ErrorCode::Storage, e.to_string()))?
        .map_err(AppError::from)
}
