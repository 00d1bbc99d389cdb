//! The sweep editor's commands: one axis's values parsed against the document (typed and
//! bounded by the node schemas, so the editor never guesses), the whole sweep's price before
//! it runs (every cell through the check endpoint, once per distinct cost), and a sweep's grid
//! once composed. Starting a sweep is `run_workflow` with `options.sweep`: the same pipeline.

use easel_engine::{Axis, Estimate, Hooks, LocalFiles, RunRequest, SeedControl, Sweep, WildcardMode, Work};
use easel_error::ErrorCode;
use easel_workflow::WorkflowDoc;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::backend::AppState;
use crate::AppError;

/// A sweep's grid as the journal has it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SweepGridInfo {
    /// The sweep.
    pub sweep_id: String,
    /// `composing`, `done` or `failed`; none until the last cell ends.
    pub state: Option<String>,
    /// The grid picture, once saved.
    pub path: Option<String>,
}

/// The values of one axis: `target` is `NODE.INPUT`, `seed`, or empty for `S/R: a, b`;
/// `values` as typed (`4, 6, 8`, `20-40 step 5`, choices by name). A value the input cannot
/// take is `invalidInput` with the node and input in `details`. Model ids are labelled with
/// their names.
#[tauri::command]
pub async fn sweep_axis(
    state: State<'_, AppState>,
    doc: WorkflowDoc,
    target: String,
    values: String,
) -> Result<Axis, AppError> {
    let workflow = doc.to_workflow()?;
    let mut axis = parse_axis(&workflow, &target, &values)?;
    state.backend().engine.name_models(&mut axis).await;
    Ok(axis)
}

fn parse_axis(workflow: &easel_workflow::Workflow, target: &str, values: &str) -> Result<Axis, AppError> {
    Axis::parse(workflow, target, values).map_err(|message| {
        let mut error = AppError::new(ErrorCode::InvalidInput, message);
        if let Some((node, input)) = target.rsplit_once('.') {
            error.details = Some(Box::new(crate::error::ErrorDetails {
                node_id: Some(node.to_string()),
                input: Some(input.to_string()),
                ..Default::default()
            }));
        }
        error
    })
}

/// What the sweep would cost and how many runs it makes, priced as `run_workflow` would run it.
#[tauri::command]
pub async fn sweep_quote(
    state: State<'_, AppState>,
    doc: WorkflowDoc,
    sweep: Sweep,
    count: u32,
    seeds: Vec<SeedControl>,
    wildcards: Option<WildcardMode>,
) -> Result<Estimate, AppError> {
    let mut work = crate::commands::workflow::graph_work(&doc, seeds, wildcards.unwrap_or_default())?;
    if let Work::Graph { sweep: slot, .. } = &mut work {
        *slot = Some(sweep);
    }
    let local_files = LocalFiles::Picked(state.inputs.paths());
    let request = RunRequest { name: doc.name.clone(), count: count.max(1), work, local_files, models: Vec::new() };
    Ok(state.backend().engine.quote(request, &Hooks::approve_all()).await?)
}

/// The grid of a sweep, as far as it is made.
#[tauri::command]
pub fn sweep_grid(state: State<'_, AppState>, sweep_id: String) -> Result<SweepGridInfo, AppError> {
    let record = state.backend().engine.sweep(&sweep_id)?;
    let record =
        record.ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("no sweep {sweep_id} is recorded")))?;
    Ok(SweepGridInfo { sweep_id, state: record.grid_state, path: record.grid_path })
}
