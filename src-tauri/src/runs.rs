//! The app's front door to the engine's pipeline: every run the window starts (Run, a favourite,
//! "Run again", retry) becomes one `Engine::start` call with the app's two answers. Which local
//! files may be uploaded: only pictures the person picked, dropped or pasted this session. Whether
//! the cost is agreed: at or below the Settings threshold, or when the window already showed the
//! person this estimate and they accepted (`approved`, the total they saw). Otherwise the call
//! fails with `needsConfirmation` and the estimate in `details`; the window asks and calls again.
//! A batch that would pass a spend cap (checked by the engine against the library's ledger) fails
//! with `spendCap` and the spent credits, the cap and its period in `details`, and runs only when
//! the window calls again with `approvedOverCap`: the total the person accepted while shown the
//! cap. An answer to the threshold question never passes a cap, so a front door that asks about
//! the threshold first cannot spend past a cap the person never saw.
//! Where the batch's events go: to the `Channel` the window passed with this call, so it knows
//! each event's batch before the call returns the run ids (never to the global `job://event`),
//! as arrays, at most one a frame.

use easel_engine::{CapBreach, EngineError, Estimate, EventSink, Hooks, JobEvent, LocalFiles, RunRequest, Work};
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
    pub events: Channel<Vec<JobEvent>>,
}

impl Caller {
    /// The batch's event sink: its events to the call's channel once per frame, saved images
    /// announced to the gallery at once as for any run (`frames::to_window`).
    fn sink(self) -> EventSink {
        let Caller { app, events } = self;
        crate::frames::to_window(app, "their window channel", move |batch| events.send(batch))
    }
}

/// What the person agreed to for one call: a total above the threshold, a total past a cap.
#[derive(Debug, Clone, Copy, Default)]
pub struct Approval {
    /// The total accepted when asked about the threshold.
    pub credits: Option<f64>,
    /// The total accepted when shown the cap it passes (which also agrees to the cost).
    pub over_cap: Option<f64>,
}

/// Starts `work` as a batch of `count` runs; returns the run ids.
pub async fn start(
    state: &AppState,
    caller: Caller,
    name: String,
    count: u32,
    work: Work,
    approval: Approval,
) -> Result<Vec<String>, AppError> {
    let threshold = state.prefs.settings().confirm_above;
    let local_files = LocalFiles::Picked(state.inputs.paths());
    let request = RunRequest { name, count, work, local_files, models: Vec::new() };
    let (confirm, over_cap) = (consent(threshold, approval), over_cap(approval));
    let hooks = Hooks { confirm: &confirm, over_cap: &over_cap, uploading: &|_| {}, events: Some(caller.sink()) };
    let started = state.backend().engine.start(request, &hooks).await.map_err(|e| refused(e, threshold))?;
    Ok(started.runs.into_iter().map(|r| r.run_id).collect())
}

/// Retries a recorded run under the same cost rule; returns the new run's id.
pub async fn retry(state: &AppState, caller: Caller, run_id: &str, approval: Approval) -> Result<String, AppError> {
    let threshold = state.prefs.settings().confirm_above;
    let (confirm, over_cap) = (consent(threshold, approval), over_cap(approval));
    let hooks = Hooks { confirm: &confirm, over_cap: &over_cap, uploading: &|_| {}, events: Some(caller.sink()) };
    let handle = state.backend().engine.retry(run_id, &hooks).await.map_err(|e| refused(e, threshold))?;
    Ok(handle.run_id)
}

fn consent(threshold: f64, approval: Approval) -> impl Fn(&Estimate) -> bool + Sync {
    let accepted = |a: Option<f64>, total: f64| a.is_some_and(|a| total <= a + SAME_PRICE);
    move |e: &Estimate| {
        e.total <= threshold || accepted(approval.credits, e.total) || accepted(approval.over_cap, e.total)
    }
}

/// Past a cap only with the total the person accepted while shown that cap.
fn over_cap(approval: Approval) -> impl Fn(&CapBreach) -> bool + Sync {
    move |b: &CapBreach| approval.over_cap.is_some_and(|a| b.estimate <= a + SAME_PRICE)
}

/// The engine's error for the window; a cost not agreed carries the estimate and the threshold,
/// a cap passed the estimate, what was spent, the cap and its period.
fn refused(e: EngineError, threshold: f64) -> AppError {
    let details = match &e {
        EngineError::NotApproved { total, .. } => {
            Some(ErrorDetails { credits: Some(*total), threshold: Some(threshold), ..ErrorDetails::default() })
        }
        EngineError::OverSpendCap(b) => Some(ErrorDetails {
            credits: Some(b.estimate),
            spent: Some(b.spent),
            cap: Some(b.cap),
            period: Some(b.period),
            ..ErrorDetails::default()
        }),
        _ => None,
    };
    let mut error = AppError::from(e);
    if let Some(details) = details {
        error.details = Some(Box::new(details));
    }
    error
}
