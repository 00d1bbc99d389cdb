//! Model inputs: the name and kind of a model id (its preview is served as
//! `easel://localhost/model/<id>`, downloaded once into the library), the library's mappings of
//! model file names to ids, and whether workflows run as they stand (the badges of favourites
//! and of a gallery image's "Run again").

use easel_engine::{ModelInfo, ModelMapping, Readiness};
use easel_workflow::WorkflowDoc;
use tauri::State;

use crate::backend::AppState;
use crate::AppError;

/// Workflows one `workflow_readiness` call checks.
pub const MAX_READINESS_DOCS: usize = 500;

/// Name, kind and base model of a model id.
#[tauri::command]
pub async fn model_info(state: State<'_, AppState>, id: String) -> Result<ModelInfo, AppError> {
    Ok(state.backend().engine.model_info(&id).await?)
}

/// Every model file this library maps to a model id.
#[tauri::command(async)]
pub fn model_mappings(state: State<'_, AppState>) -> Result<Vec<ModelMapping>, AppError> {
    Ok(state.backend().engine.model_mappings()?)
}

/// Maps `file` to the model `reference` names (an id or a model page URL); with `kind` (the
/// input it is chosen for), a model of a type that does not fit is refused.
#[tauri::command]
pub async fn model_map(
    state: State<'_, AppState>,
    file: String,
    reference: String,
    kind: Option<String>,
) -> Result<ModelMapping, AppError> {
    Ok(state.backend().engine.map_model(&file, &reference, kind.as_deref()).await?)
}

/// Forgets the mapping of `file`; true when there was one.
#[tauri::command(async)]
pub fn model_unmap(state: State<'_, AppState>, file: String) -> Result<bool, AppError> {
    Ok(state.backend().engine.unmap_model(&file)?)
}

/// Whether each workflow runs on the chosen backend as it stands, in the order given.
#[tauri::command(async)]
pub fn workflow_readiness(state: State<'_, AppState>, docs: Vec<WorkflowDoc>) -> Result<Vec<Readiness>, AppError> {
    if docs.len() > MAX_READINESS_DOCS {
        return Err(AppError::new(
            easel_error::ErrorCode::InvalidInput,
            format!("{} workflows at once is over the limit of {MAX_READINESS_DOCS}", docs.len()),
        ));
    }
    let engine = &state.backend().engine;
    docs.iter().map(|doc| Ok(engine.readiness(&doc.to_workflow()?)?)).collect()
}
