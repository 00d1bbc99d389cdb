//! Workflow and run commands: open, inspect (problems, form, estimate), run, cancel, retry, reorder.

use easel_engine::JobEvent;
use easel_engine::{
    Hooks, LocalFiles, ModelUse, Prompts, Readiness, SeedControl, Sweep, WildcardMode, WildcardSummary, Work,
};
use easel_error::ErrorCode;
use easel_workflow::{FormField, Format, Imported, Problem, Schemas, Workflow, WorkflowDoc, REFERENCE_WORKFLOW};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::backend::{AppState, BackendInfo};
use crate::commands::files::remember;
use crate::runs::Caller;
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
    /// Things the import changed or skipped (dropped notes, unknown widgets...). Problems come
    /// from the window's first `inspect_workflow`, so opening validates once.
    pub warnings: Vec<String>,
    /// The generated form, at once: the first inspection also prices a run (a request to the
    /// service), and a form that appeared only then would swap the controls under a person
    /// already typing in them.
    pub fields: Vec<FormField>,
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
    /// The batch total the person was shown and accepted, when above the threshold.
    #[serde(default)]
    #[ts(optional)]
    pub approved_credits: Option<f64>,
    /// The batch total the person accepted while shown the spend cap it passes (`spendCap`).
    #[serde(default)]
    #[ts(optional)]
    pub approved_over_cap: Option<f64>,
    /// How wildcards in text inputs become runs (default: one drawn per run from its seeds).
    #[serde(default)]
    #[ts(optional)]
    pub wildcards: Option<WildcardMode>,
    /// A sweep over the document: every cell is a run (times `count`).
    #[serde(default)]
    #[ts(optional)]
    pub sweep: Option<Sweep>,
}

pub(crate) fn opened(name: &str, imported: Imported, schemas: &Schemas) -> OpenedWorkflow {
    let fields = schemas.form_fields(&imported.workflow);
    OpenedWorkflow {
        doc: WorkflowDoc::from_imported(name, &imported),
        format: imported.format,
        warnings: imported.warnings,
        fields,
    }
}

/// The schemas files are read and forms built with (`Engine::schemas`); a ComfyUI server that
/// cannot be reached now leaves the bundled set, said in the log.
pub(crate) async fn schemas(state: &AppState) -> std::sync::Arc<Schemas> {
    let engine = state.backend().engine.clone();
    engine.schemas().await.unwrap_or_else(|e| {
        eprintln!("easel-app: the ComfyUI server's schemas could not be read: {e}");
        engine.schemas_known()
    })
}

/// The workflow the app opens with: the owner's reference example.
#[tauri::command]
pub async fn open_default_workflow(state: State<'_, AppState>) -> Result<OpenedWorkflow, AppError> {
    let imported = Workflow::from_json_str(REFERENCE_WORKFLOW)?;
    let schemas = schemas(&state).await;
    Ok(opened("Reference: two-pass SD1.5 with LoRAs", imported, &schemas))
}

/// Opens a workflow file (JSON in any dialect, or a PNG with metadata), detected by content.
#[tauri::command]
pub async fn open_workflow_file(state: State<'_, AppState>, path: String) -> Result<OpenedWorkflow, AppError> {
    let file = std::path::PathBuf::from(&path);
    // The recent list is Easel's own; anything else must have been dropped or picked.
    if !state.prefs.recent().contains(&path) {
        state.offered.check(&file)?;
    }
    let bytes = tauri::async_runtime::spawn_blocking(move || easel_workflow::read_workflow_file(&file))
        .await
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))??;
    let name = std::path::Path::new(&path).file_stem().and_then(|s| s.to_str()).unwrap_or("workflow").to_string();
    let schemas = schemas(&state).await;
    let imported = schemas.import_bytes(&bytes).map_err(|e| e.in_file(&path))?;
    remember(&state, &path);
    Ok(opened(&name, imported, &schemas))
}

/// Opens a workflow pasted as text.
#[tauri::command]
pub async fn import_workflow_text(
    state: State<'_, AppState>,
    name: String,
    text: String,
) -> Result<OpenedWorkflow, AppError> {
    let schemas = schemas(&state).await;
    Ok(opened(&name, schemas.import_json_str(&text)?, &schemas))
}

/// What the window shows about the edited graph, from one call per (debounced) edit: its
/// problems, its form fields, and the credits one run is expected to cost.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Inspection {
    /// Every problem, located by node and input.
    pub problems: Vec<Problem>,
    /// The editable fields, typed from the node schemas.
    pub fields: Vec<FormField>,
    /// Every model input, with the library's mapping of its file name (the form's model picker).
    pub models: Vec<ModelUse>,
    /// Whether it runs as it stands (the status badge; Run is disabled with the reason).
    pub readiness: Readiness,
    /// The text inputs that use wildcards and how many combinations they make.
    pub wildcards: WildcardSummary,
    /// Credits one run is expected to cost; none when it could not be priced.
    pub credits: Option<f64>,
    /// Why it could not be priced (none when the graph has errors: it is not sent then).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub estimate_error: Option<AppError>,
}

/// Validates the edited graph once, builds its form, and prices one run (the same validation and
/// uploads as a run) unless a problem already stops it, which costs no request.
#[tauri::command]
pub async fn inspect_workflow(state: State<'_, AppState>, doc: WorkflowDoc) -> Result<Inspection, AppError> {
    let workflow = doc.to_workflow()?;
    let engine = state.backend().engine.clone();
    // A ComfyUI server's own schemas (custom nodes, its model files); an unreachable server
    // leaves the bundled set, and the run says what is wrong.
    let schemas = schemas(&state).await;
    let mut problems = schemas.validate(&workflow);
    let wildcards = match Prompts::summary(&workflow, engine.library()) {
        Ok(summary) => summary,
        Err(found) => {
            problems.extend(found.iter().filter_map(|e| wildcard_problem(&workflow, e)));
            WildcardSummary { inputs: Vec::new(), combinations: None }
        }
    };
    let models = if engine.capabilities().model_ids { engine.model_uses(&workflow)? } else { Vec::new() };
    let model_problems: Vec<_> = models.iter().filter_map(ModelUse::problem).collect();
    let readiness = Readiness::of(&workflow, &schemas, &problems, &model_problems);
    problems.extend(model_problems);
    let fields = schemas.form_fields(&workflow);
    if problems.iter().any(|p| p.severity == easel_workflow::Severity::Error) {
        return Ok(Inspection { problems, fields, models, readiness, wildcards, credits: None, estimate_error: None });
    }
    let work = graph_work(&doc, Vec::new(), WildcardMode::Seeded)?;
    let local = LocalFiles::Picked(state.inputs.paths());
    let (credits, estimate_error) = match engine.estimate(work, &local, &Hooks::approve_all()).await {
        Ok(credits) => (Some(credits), None),
        Err(e) => (None, Some(AppError::from(e))),
    };
    Ok(Inspection { problems, fields, models, readiness, wildcards, credits, estimate_error })
}

/// A wildcard's syntax or file error as a problem located at its input (`badWildcard`).
fn wildcard_problem(workflow: &Workflow, error: &easel_engine::EngineError) -> Option<Problem> {
    let (node_id, input) = error.location()?;
    let node = workflow.nodes.get(node_id)?;
    let message = match error {
        easel_engine::EngineError::Input { message, .. } => message.clone(),
        other => other.to_string(),
    };
    Some(Problem::at(easel_workflow::Severity::Error, "badWildcard", node_id, node, input, message))
}

/// Starts a run (or a batch) of the edited workflow through the engine's pipeline; progress
/// arrives on `events`, this call's channel. Above the credit threshold it needs `approvedCredits`.
#[tauri::command]
pub async fn run_workflow(
    app: AppHandle,
    state: State<'_, AppState>,
    doc: WorkflowDoc,
    options: Option<RunOptions>,
    events: Channel<Vec<JobEvent>>,
) -> Result<Vec<String>, AppError> {
    let options = options.unwrap_or_default();
    let mut work = graph_work(&doc, options.seeds, options.wildcards.unwrap_or_default())?;
    if let Work::Graph { sweep, .. } = &mut work {
        *sweep = options.sweep;
    }
    let caller = Caller { app, events };
    let approval = crate::runs::Approval { credits: options.approved_credits, over_cap: options.approved_over_cap };
    crate::runs::start(&state, caller, doc.name.clone(), options.count.max(1), work, approval).await
}

/// The graph work of a document: its graph, seed modes, the editor graph it came from, and how
/// its wildcards become runs.
pub(crate) fn graph_work(
    doc: &WorkflowDoc,
    seeds: Vec<SeedControl>,
    wildcards: WildcardMode,
) -> Result<Work, AppError> {
    Ok(Work::Graph { workflow: doc.to_workflow()?, seeds, editor: doc.editor.clone(), wildcards, sweep: None })
}

/// Cancels a pending or running run; `false` when it is no longer active.
#[tauri::command]
pub fn cancel_run(state: State<'_, AppState>, run_id: String) -> bool {
    state.backend().engine.cancel(&run_id)
}

/// Starts a finished (or failed) run's document again as a new run; returns its id.
#[tauri::command]
pub async fn retry_run(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: String,
    approved_credits: Option<f64>,
    approved_over_cap: Option<f64>,
    events: Channel<Vec<JobEvent>>,
) -> Result<String, AppError> {
    let approval = crate::runs::Approval { credits: approved_credits, over_cap: approved_over_cap };
    crate::runs::retry(&state, Caller { app, events }, &run_id, approval).await
}

/// Moves pending runs to the front of the queue, in this order (kept across restarts).
#[tauri::command]
pub fn reorder_runs(state: State<'_, AppState>, first: Vec<String>) -> Result<(), AppError> {
    Ok(state.backend().engine.reorder(&first)?)
}

/// Which backend the app is on.
#[tauri::command]
pub fn backend_info(state: State<'_, AppState>) -> BackendInfo {
    state.backend().info.clone()
}
