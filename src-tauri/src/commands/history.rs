//! The History view's commands: pages of every run the library's journal holds (the window's,
//! the CLI's, any script's), one run's recorded document for "recall", removing a record, and the
//! spend ledger with its caps. The journal is read on a blocking thread; the numbers and rules
//! live in the engine (`easel_engine::spend`), so the CLI's `easel spend` prints the same.

use easel_engine::{
    Engine, HistoryCursor, HistoryFilter, HistoryPage, RunRecord, SpendBy, SpendCaps, SpendReport, MAX_HISTORY_PAGE,
};
use easel_error::ErrorCode;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::backend::AppState;
use crate::AppError;

/// What a run sent, for "recall" and "run again": the document as stored, exactly.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordedRun {
    /// Easel's run id.
    pub run_id: String,
    /// The workflow's name.
    pub name: String,
    /// `graph` or `template`.
    pub kind: String,
    /// The TAMS params (or template id and fields) as sent, JSON text.
    pub document: String,
    /// The ComfyUI editor graph it came from, JSON text, when known.
    pub editor: Option<String>,
    /// Local files it uploaded (JSON list of node, input, file, resource), when any.
    pub uploads: Option<String>,
}

impl From<RunRecord> for RecordedRun {
    fn from(r: RunRecord) -> Self {
        let kind = match r.kind {
            easel_engine::RunKind::Graph => "graph",
            easel_engine::RunKind::Template => "template",
        };
        RecordedRun {
            run_id: r.run_id,
            name: r.name,
            kind: kind.into(),
            document: r.workflow,
            editor: r.editor,
            uploads: r.uploads,
        }
    }
}

/// Runs journal work off the async runtime's threads.
async fn on_journal<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Engine) -> Result<T, easel_engine::EngineError> + Send + 'static,
) -> Result<T, AppError> {
    let engine = state.backend().engine.clone();
    tauri::async_runtime::spawn_blocking(move || work(&engine))
        .await
        .map_err(|e| AppError::new(ErrorCode::Storage, e.to_string()))?
        .map_err(AppError::from)
}

/// A page of runs, newest first, after `after`.
#[tauri::command]
pub async fn history_page(
    state: State<'_, AppState>,
    filter: HistoryFilter,
    after: Option<HistoryCursor>,
    limit: u32,
) -> Result<HistoryPage, AppError> {
    on_journal(&state, move |e| e.history(&filter, after.as_ref(), limit.min(MAX_HISTORY_PAGE))).await
}

/// How many runs match `filter`.
#[tauri::command]
pub async fn history_count(state: State<'_, AppState>, filter: HistoryFilter) -> Result<u64, AppError> {
    on_journal(&state, move |e| e.history_count(&filter)).await
}

/// One run's recorded document.
#[tauri::command]
pub async fn history_run(state: State<'_, AppState>, run_id: String) -> Result<RecordedRun, AppError> {
    on_journal(&state, move |e| {
        e.run_record(&run_id)?.map(RecordedRun::from).ok_or(easel_engine::EngineError::UnknownRun(run_id))
    })
    .await
}

/// Removes a finished run's record (its images stay); `false` when there was none.
#[tauri::command]
pub async fn history_forget(state: State<'_, AppState>, run_id: String) -> Result<bool, AppError> {
    on_journal(&state, move |e| e.forget_run(&run_id)).await
}

/// The spend ledger grouped `by`, from `since` (unix seconds) on.
#[tauri::command]
pub async fn spend_report(
    state: State<'_, AppState>,
    by: SpendBy,
    since: Option<i64>,
) -> Result<SpendReport, AppError> {
    on_journal(&state, move |e| e.spend(by, since)).await
}

/// Replaces the library's spend caps (every front door's runs are checked against them).
#[tauri::command]
pub async fn spend_caps_save(state: State<'_, AppState>, caps: SpendCaps) -> Result<SpendCaps, AppError> {
    on_journal(&state, move |e| {
        e.set_spend_caps(caps)?;
        e.spend_caps()
    })
    .await
}

/// A graph run's recorded document opened in Generate with exactly the values it sent (seeds
/// included), its editor graph kept for the PNG chunks. Template runs can be run again, not
/// recalled: their fields have no form here.
#[tauri::command]
pub async fn history_recall(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<crate::commands::workflow::OpenedWorkflow, AppError> {
    let record =
        on_journal(&state, move |e| e.run_record(&run_id)?.ok_or(easel_engine::EngineError::UnknownRun(run_id)))
            .await?;
    if record.kind == easel_engine::RunKind::Template {
        return Err(AppError::new(
            ErrorCode::Unsupported,
            "a template run cannot be opened in the form; use Run again to repeat it",
        ));
    }
    let imported = easel_workflow::Workflow::from_json_str(&record.workflow)?;
    let schemas = crate::commands::workflow::schemas(&state).await;
    let mut opened = crate::commands::workflow::opened(&record.name, imported, &schemas);
    opened.doc.editor = record.editor.as_deref().and_then(|e| serde_json::from_str(e).ok());
    Ok(opened)
}
