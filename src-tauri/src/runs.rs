//! The app's front door to the engine's pipeline: every run the window starts (Run, a favourite,
//! "Run again", retry) becomes one `Engine::start` call with the app's two answers. Which local
//! files may be uploaded: only pictures the person picked, dropped or pasted this session. Whether
//! the cost is agreed: at or below the Settings threshold, or when the window already showed the
//! person this estimate and they accepted (`approved`, the total they saw). Otherwise the call
//! fails with `needsConfirmation` and the estimate in `details`; the window asks and calls again.
//! Where the batch's events go: to the `Channel` the window passed with this call, so it knows
//! each event's batch before the call returns the run ids (never to the global `job://event`).

use easel_engine::{EngineError, Estimate, EventSink, Hooks, JobEvent, LocalFiles, RunRequest, Work};
use tauri::ipc::Channel;
use tauri::AppHandle;

use crate::backend::AppState;
use crate::error::ErrorDetails;
use crate::AppError;

/// Credits may differ in the last bits between two identical checks; this much is the same price.
const SAME_PRICE: f64 = 1e-6;

/// The window's side of one call: the app (to announce saved images) and the call's channel.
pub struct Caller {
    pub app: AppHandle,
    pub events: Channel<JobEvent>,
}

impl Caller {
    /// The batch's event sink: each event to the call's channel, saved images announced to the
    /// gallery as for any run.
    fn sink(self) -> EventSink {
        let Caller { app, events } = self;
        std::sync::Arc::new(move |event: JobEvent| {
            crate::announce_saved(&app, &event);
            if let Err(e) = events.send(event) {
                eprintln!("easel-app: could not deliver an event to its window channel: {e}");
            }
        })
    }
}

/// Starts `work` as a batch of `count` runs; returns the run ids.
pub async fn start(
    state: &AppState,
    caller: Caller,
    name: String,
    count: u32,
    work: Work,
    approved: Option<f64>,
) -> Result<Vec<String>, AppError> {
    let threshold = state.prefs.settings().confirm_above;
    let local_files = LocalFiles::Picked(state.inputs.paths());
    let request = RunRequest { name, count, work, local_files, models: Vec::new() };
    let confirm = consent(threshold, approved);
    let hooks = Hooks { confirm: &confirm, uploading: &|_| {}, events: Some(caller.sink()) };
    let started = state.backend().engine.start(request, &hooks).await.map_err(|e| refused(e, threshold))?;
    Ok(started.runs.into_iter().map(|r| r.run_id).collect())
}

/// Retries a recorded run under the same cost rule; returns the new run's id.
pub async fn retry(state: &AppState, caller: Caller, run_id: &str, approved: Option<f64>) -> Result<String, AppError> {
    let threshold = state.prefs.settings().confirm_above;
    let confirm = consent(threshold, approved);
    let hooks = Hooks { confirm: &confirm, uploading: &|_| {}, events: Some(caller.sink()) };
    let handle = state.backend().engine.retry(run_id, &hooks).await.map_err(|e| refused(e, threshold))?;
    Ok(handle.run_id)
}

fn consent(threshold: f64, approved: Option<f64>) -> impl Fn(&Estimate) -> bool + Sync {
    move |e: &Estimate| e.total <= threshold || approved.is_some_and(|a| e.total <= a + SAME_PRICE)
}

/// The engine's error for the window; a cost not agreed carries the estimate and the threshold.
fn refused(e: EngineError, threshold: f64) -> AppError {
    let total = match &e {
        EngineError::NotApproved { total, .. } => Some(*total),
        _ => None,
    };
    let mut error = AppError::from(e);
    if total.is_some() {
        error.details =
            Some(Box::new(ErrorDetails { credits: total, threshold: Some(threshold), ..ErrorDetails::default() }));
    }
    error
}
