//! The run queue's own actions, beyond one run's cancel and retry: pause and resume (kept across
//! restarts in the settings file, so a paused queue stays paused when the app starts again with
//! runs in it), send runs to the back, cancel all or all but the running ones, and the queue as it
//! stands for a window that opens on runs a previous session left (`queue_state`).

use easel_engine::{HistoryFilter, HistoryRun, RunStatus};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::backend::AppState;
use crate::AppError;

/// The queue as it stands: whether it is paused, and every unfinished run, next first.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueueState {
    /// Pending runs are held back.
    pub paused: bool,
    /// Runs on the service first (oldest first), then pending runs in queue order.
    pub runs: Vec<HistoryRun>,
}

/// Pauses (nothing new is submitted; runs on the service go on) or resumes the queue.
#[tauri::command]
pub fn queue_pause(state: State<'_, AppState>, paused: bool) -> Result<bool, AppError> {
    state.prefs.set_queue_paused(paused)?;
    state.backend().engine.set_paused(paused);
    Ok(paused)
}

/// Moves pending runs to the back of the queue, in this order (kept across restarts).
#[tauri::command]
pub fn queue_send_back(state: State<'_, AppState>, last: Vec<String>) -> Result<(), AppError> {
    Ok(state.backend().engine.send_back(&last)?)
}

/// Cancels every pending run and, with `running`, the runs on the service too; returns their ids.
#[tauri::command]
pub fn queue_cancel(state: State<'_, AppState>, running: bool) -> Vec<String> {
    state.backend().engine.cancel_all(running)
}

/// The queue a window shows when it opens: this backend's unfinished runs with their names and
/// times, in the order the engine will take them.
#[tauri::command]
pub async fn queue_state(state: State<'_, AppState>) -> Result<QueueState, AppError> {
    let engine = state.backend().engine.clone();
    let backend = engine.backend_label().to_string();
    let paused = engine.paused();
    tauri::async_runtime::spawn_blocking(move || {
        let filter = HistoryFilter {
            statuses: vec![RunStatus::Queued, RunStatus::Submitted],
            backend: Some(backend),
            ..HistoryFilter::default()
        };
        let page = engine.history(&filter, None, easel_engine::MAX_HISTORY_PAGE)?;
        let order = engine.pending();
        let place = |run: &HistoryRun| order.iter().position(|id| *id == run.run_id);
        let mut runs = page.runs;
        // On the service (no place in the queue) first, oldest first; then the queue's order.
        runs.sort_by_key(|r| (place(r).map_or(0, |p| p + 1), r.created_at));
        Ok::<_, easel_engine::EngineError>(QueueState { paused, runs })
    })
    .await
    .map_err(|e| AppError::new(easel_error::ErrorCode::Storage, e.to_string()))?
    .map_err(AppError::from)
}
