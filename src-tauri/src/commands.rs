//! Commands the UI invokes. Each is a few lines: convert, call a crate, map the error.

use easel_workflow::{Workflow, WorkflowDoc, REFERENCE_WORKFLOW};
use easel_engine::RunRequest;
use tauri::State;

use crate::backend::{AppState, BackendInfo};
use crate::AppError;

/// The workflow the app opens with: the owner's reference example.
#[tauri::command]
pub fn open_default_workflow() -> Result<WorkflowDoc, AppError> {
    let imported = Workflow::from_json_str(REFERENCE_WORKFLOW)?;
    Ok(WorkflowDoc::from_workflow("Reference: two-pass SD1.5 with LoRAs", &imported.workflow))
}

/// Starts a run of the edited workflow; progress arrives as `job://event` events.
#[tauri::command]
pub fn run_workflow(state: State<'_, AppState>, doc: WorkflowDoc) -> Result<String, AppError> {
    let request = RunRequest { workflow: doc.to_workflow()?, name: doc.name.clone(), count: 1, seeds: Vec::new(), editor_workflow: None };
    let handle = state.engine.submit(&request)?.into_iter().next();
    handle.map(|h| h.run_id).ok_or_else(|| AppError { code: "internal".into(), message: "no run was started".into() })
}

/// Which backend the app is on.
#[tauri::command]
pub fn backend_info(state: State<'_, AppState>) -> BackendInfo {
    state.info.clone()
}
