//! Workflow and run commands: open, validate, form, estimate, run, cancel, retry, reorder.

use easel_engine::{RunRequest, SeedControl};
use easel_workflow::{FormField, Format, Imported, Problem, Schemas, Workflow, WorkflowDoc, REFERENCE_WORKFLOW};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::backend::{AppState, BackendInfo};
use crate::commands::files::remember;
use crate::AppError;

/// A workflow just opened: the graph, where it came from, and what is wrong with it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedWorkflow {
    /// The graph as the UI edits it.
    pub doc: WorkflowDoc,
    /// The dialect detected.
    pub format: Format,
    /// Things the import changed or skipped (dropped notes, unknown widgets...).
    pub warnings: Vec<String>,
    /// Validation against the node schemas.
    pub problems: Vec<Problem>,
}

/// How to run: batch size and seed modes.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunOptions {
    /// Runs in the batch (at least 1).
    pub count: u32,
    /// Seed modes; seed inputs not listed stay fixed.
    pub seeds: Vec<SeedControl>,
}

pub(crate) fn opened(name: &str, imported: Imported) -> OpenedWorkflow {
    let problems = Schemas::bundled().validate(&imported.workflow);
    OpenedWorkflow {
        doc: WorkflowDoc::from_imported(name, &imported),
        format: imported.format,
        warnings: imported.warnings,
        problems,
    }
}

/// The workflow the app opens with: the owner's reference example.
#[tauri::command]
pub fn open_default_workflow() -> Result<WorkflowDoc, AppError> {
    let imported = Workflow::from_json_str(REFERENCE_WORKFLOW)?;
    Ok(WorkflowDoc::from_workflow("Reference: two-pass SD1.5 with LoRAs", &imported.workflow))
}

/// Opens a workflow file (JSON in any dialect, or a PNG with metadata), detected by content.
#[tauri::command]
pub async fn open_workflow_file(state: State<'_, AppState>, path: String) -> Result<OpenedWorkflow, AppError> {
    let bytes =
        tokio::fs::read(&path).await.map_err(|e| AppError { code: "io".into(), message: format!("{path}: {e}") })?;
    let name = std::path::Path::new(&path).file_stem().and_then(|s| s.to_str()).unwrap_or("workflow").to_string();
    let imported = Schemas::bundled().import_bytes(&bytes).map_err(|e| e.in_file(&path))?;
    remember(&state, &path);
    Ok(opened(&name, imported))
}

/// Opens a workflow pasted as text.
#[tauri::command]
pub fn import_workflow_text(name: String, text: String) -> Result<OpenedWorkflow, AppError> {
    Ok(opened(&name, Schemas::bundled().import_json_str(&text)?))
}

/// Every problem of the edited graph, located by node and input.
#[tauri::command]
pub fn validate_workflow(doc: WorkflowDoc) -> Result<Vec<Problem>, AppError> {
    Ok(Schemas::bundled().validate(&doc.to_workflow()?))
}

/// The editable fields of the graph, typed from the node schemas, for generated forms.
#[tauri::command]
pub fn workflow_form(doc: WorkflowDoc) -> Result<Vec<FormField>, AppError> {
    Ok(Schemas::bundled().form_fields(&doc.to_workflow()?))
}

/// Credits the service expects one run to cost.
#[tauri::command]
pub async fn estimate_credits(state: State<'_, AppState>, doc: WorkflowDoc) -> Result<f64, AppError> {
    Ok(state.backend().engine.estimate_credits(&doc.to_workflow()?).await?)
}

/// Starts a run (or a batch) of the edited workflow; progress arrives as `job://event` events.
#[tauri::command]
pub fn run_workflow(
    state: State<'_, AppState>,
    doc: WorkflowDoc,
    options: Option<RunOptions>,
) -> Result<Vec<String>, AppError> {
    let options = options.unwrap_or_default();
    let request = RunRequest {
        workflow: doc.to_workflow()?,
        name: doc.name.clone(),
        count: options.count.max(1),
        seeds: options.seeds,
        editor_workflow: None,
    };
    Ok(state.backend().engine.submit(&request)?.into_iter().map(|h| h.run_id).collect())
}

/// Cancels a pending or running run; `false` when it is no longer active.
#[tauri::command]
pub fn cancel_run(state: State<'_, AppState>, run_id: String) -> bool {
    state.backend().engine.cancel(&run_id)
}

/// Starts a finished (or failed) run's graph again as a new run; returns its id.
#[tauri::command]
pub fn retry_run(state: State<'_, AppState>, run_id: String) -> Result<String, AppError> {
    Ok(state.backend().engine.retry(&run_id)?.run_id)
}

/// Moves pending runs to the front of the queue, in this order.
#[tauri::command]
pub fn reorder_runs(state: State<'_, AppState>, first: Vec<String>) {
    state.backend().engine.reorder(&first);
}

/// Which backend the app is on.
#[tauri::command]
pub fn backend_info(state: State<'_, AppState>) -> BackendInfo {
    state.backend().info.clone()
}
