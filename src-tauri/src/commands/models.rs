//! Model-id inputs: the name and kind of a model (its preview is served as
//! `easel://localhost/model/<id>`, downloaded once into the library).

use easel_engine::ModelInfo;
use tauri::State;

use crate::backend::AppState;
use crate::AppError;

/// Name, kind and base model of a model id.
#[tauri::command]
pub async fn model_info(state: State<'_, AppState>, id: String) -> Result<ModelInfo, AppError> {
    Ok(state.backend().engine.model_info(&id).await?)
}
