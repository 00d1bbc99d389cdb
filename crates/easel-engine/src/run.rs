//! One run from start to end: wait for a queue slot, submit the job (its row is already stored;
//! a resumed run reuses its requestId or skips straight to polling), poll at an interval that
//! follows the job's state, emit a `JobEvent` for every change, start saving each result image
//! the moment its URL appears, honour cancel (DELETE on the service), and record the outcome.
//! Bounded in time by `RunLimits` so no loop runs forever.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use easel_tams::{JobStatus, TamsError};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::plan::{PlannedWork, RunPlan};
use crate::progress::Tracker;
use crate::queue::Turn;
use crate::save::save_offer;
use crate::{EngineError, Inner, JobChange, SavedImage};

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// Easel's run id.
    pub run_id: String,
    /// The service's job id, if the job was created.
    pub job_id: Option<String>,
    /// Images saved, in the order they arrived.
    pub images: Vec<SavedImage>,
    /// True when the run was canceled.
    pub canceled: bool,
    /// Why the run did not succeed, if it did not (and was not canceled).
    pub error: Option<EngineError>,
}

/// Time limits and pacing of runs.
#[derive(Debug, Clone, Copy)]
pub struct RunLimits {
    /// Runs executing on the service at once; the rest wait in the queue.
    pub concurrency: usize,
    /// Give up polling a job after this long.
    pub job_timeout: Duration,
    /// Poll interval while the job runs.
    pub running_poll: Duration,
    /// Poll interval while it is created or queued.
    pub waiting_poll: Duration,
    /// Attempts per image download (expired URLs refreshed in between).
    pub download_attempts: u32,
    /// Polls to wait for CANCELED after sending DELETE before reporting the run canceled anyway.
    pub cancel_polls: u32,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            concurrency: 4,
            job_timeout: Duration::from_secs(30 * 60),
            running_poll: Duration::from_millis(300),
            waiting_poll: Duration::from_secs(1),
            download_attempts: 4,
            cancel_polls: 20,
        }
    }
}

/// Cancel requests for one run, shared between `Engine::cancel` and the run task.
#[derive(Debug, Default)]
pub(crate) struct RunControl {
    pub canceled: AtomicBool,
    pub wake: Notify,
}

pub(crate) enum FinalState {
    Succeeded(Option<f64>),
    /// With the credits the job last reported, when it reached the service (whether a cancel
    /// refunds is not documented, so the ledger counts them).
    Canceled(Option<f64>),
}

pub(crate) async fn drive(inner: Arc<Inner>, plan: Arc<RunPlan>, control: Arc<RunControl>) -> RunOutcome {
    let mut outcome = RunOutcome {
        run_id: plan.run_id.clone(),
        job_id: plan.job_id.clone(),
        images: Vec::new(),
        canceled: false,
        error: None,
    };
    inner.emit_run(&plan, JobChange::Queued { nodes: plan.work.order().to_vec() });
    let holds_slot = plan.job_id.is_none();
    let result = if holds_slot {
        match inner.queue.wait_turn(&plan.run_id).await {
            Turn::Go => follow(&inner, &plan, &control, &mut outcome).await,
            Turn::Canceled => Ok(FinalState::Canceled(None)),
        }
    } else {
        // Resumed with a job already on the service: it is running there, no slot to wait for.
        follow(&inner, &plan, &control, &mut outcome).await
    };
    if holds_slot {
        inner.queue.finished();
    }
    let (status, credits, error) = match &result {
        Ok(FinalState::Succeeded(c)) => ("succeeded", *c, None),
        Ok(FinalState::Canceled(c)) => ("canceled", *c, None),
        Err(e) => ("failed", None, Some((e.code(), e.to_string()))),
    };
    let recorded = inner.with_store(|s| {
        s.finish_run(&plan.run_id, status, credits, error.as_ref().map(|(c, m)| (c.as_str(), m.as_str())))
    });
    // Only once its end is recorded: until then `resume` must see the run as driven here.
    inner.controls_remove(&plan.run_id);
    let change = match result {
        Ok(FinalState::Succeeded(credits)) => JobChange::Succeeded { credits, images: outcome.images.len() as u32 },
        Ok(FinalState::Canceled(_)) => {
            outcome.canceled = true;
            JobChange::Canceled
        }
        Err(e) => {
            let change = JobChange::Failed { code: e.code(), message: e.to_string() };
            outcome.error = Some(e);
            change
        }
    };
    if let Err(e) = recorded {
        // The run's end could not be written: say so instead of pretending it is safely recorded.
        let change = JobChange::Failed { code: e.code(), message: e.to_string() };
        inner.emit_run(&plan, change);
        outcome.error = Some(e);
        return outcome;
    }
    inner.emit_run(&plan, change);
    // The last cell of a sweep to end makes its grid before the run's task resolves, so a
    // front door that awaits every run finds the grid made.
    crate::sweep::finish::after_run(&inner, &plan).await;
    outcome
}

async fn follow(
    inner: &Arc<Inner>,
    plan: &Arc<RunPlan>,
    control: &RunControl,
    outcome: &mut RunOutcome,
) -> Result<FinalState, EngineError> {
    if control.canceled.load(Ordering::SeqCst) {
        return Ok(FinalState::Canceled(None));
    }
    if let crate::Backend::ComfyUi(server) = &inner.server {
        return crate::comfy::follow(inner, server, plan, control, outcome).await;
    }
    let (job_id, mut job) = match &plan.job_id {
        Some(id) => (id.clone(), poll(inner, id).await?),
        None => {
            let created = match &plan.work {
                PlannedWork::Template { template_id, fields } => {
                    inner.server.tams("a template")?.create_template_job(&plan.request_id, template_id, fields).await?
                }
                PlannedWork::Graph { params, .. } => {
                    inner.server.tams("a job")?.create_workflow_job(&plan.request_id, params).await?
                }
            };
            let id = created.id.clone().ok_or_else(|| TamsError::Decode("create answered without a job id".into()))?;
            inner.with_store(|s| s.set_job_id(&plan.run_id, &id))?;
            (id, created)
        }
    };
    outcome.job_id = Some(job_id.clone());
    inner.emit_run(plan, JobChange::Submitted { job_id: job_id.clone() });

    let mut tracker = Tracker::new(plan.work.order().to_vec());
    let mut downloads: JoinSet<Result<SavedImage, EngineError>> = JoinSet::new();
    let started = Instant::now();
    let deadline = started + inner.limits.job_timeout;
    let mut cancel_sent: Option<u32> = None;
    let mut first_error: Option<EngineError> = None;
    let mut started_seen = false;
    loop {
        if !started_seen && matches!(job.status, JobStatus::Running | JobStatus::Success) {
            // When it left the service's queue: the history's "waited" and "ran" split here. Only
            // the history needs it, so a failed write is reported and the run goes on.
            if let Err(e) = inner.with_store(|s| s.mark_started(&plan.run_id)) {
                eprintln!("easel: could not record when run {} started: {e}", plan.run_id);
            }
            started_seen = true;
        }
        let (changes, offers) = tracker.update(&job);
        for change in changes {
            inner.emit_run(plan, change);
        }
        for offer in offers {
            downloads.spawn(save_offer(inner.clone(), plan.clone(), job_id.clone(), job.credits, offer));
        }
        collect_ready(inner, plan, &mut downloads, outcome, &mut first_error);
        match job.status {
            JobStatus::Success => {
                finish_downloads(inner, plan, &mut downloads, outcome, &mut first_error).await;
                return first_error.map_or(Ok(FinalState::Succeeded(job.credits)), Err);
            }
            JobStatus::Canceled => {
                keep_started_downloads(inner, plan, &mut downloads, outcome).await;
                return Ok(FinalState::Canceled(job.credits));
            }
            JobStatus::Failed => {
                finish_downloads(inner, plan, &mut downloads, outcome, &mut first_error).await;
                let info = job.failed_info.unwrap_or_default();
                let reason = info.reason.unwrap_or_else(|| "no reason given".into());
                return Err(EngineError::JobFailed(format!("{reason} ({:?})", info.code)));
            }
            _ => {}
        }
        if control.canceled.load(Ordering::SeqCst) {
            match cancel_sent {
                None => {
                    inner.server.tams("a job")?.cancel_job(&job_id).await?;
                    cancel_sent = Some(0);
                }
                Some(n) if n >= inner.limits.cancel_polls => {
                    keep_started_downloads(inner, plan, &mut downloads, outcome).await;
                    return Ok(FinalState::Canceled(job.credits));
                }
                Some(n) => cancel_sent = Some(n + 1),
            }
        }
        if Instant::now() >= deadline {
            return Err(EngineError::JobFailed(format!(
                "no result after {} s; the job is still {:?} on the service",
                inner.limits.job_timeout.as_secs(),
                job.status
            )));
        }
        let pause = next_pause(&inner.limits, &job.status, tracker.overall(), started.elapsed());
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = control.wake.notified() => {}
        }
        job = poll(inner, &job_id).await?;
    }
}

/// One poll of a created job. A job the service says it does not know (404: purged, or another
/// account's) ends the run with `JobUnknown`, which says so and that the run can be started
/// again. It is deliberately not re-created here, even with its stored requestId: the reference
/// leaves what a repeated requestId does unspecified ([U], section 8), so a re-create could make
/// and charge a second job.
async fn poll(inner: &Inner, job_id: &str) -> Result<easel_tams::Job, EngineError> {
    match inner.server.tams("a job")?.get_job(job_id).await {
        Err(TamsError::NotFound(reason)) => Err(EngineError::JobUnknown { job_id: job_id.to_string(), reason }),
        other => Ok(other?),
    }
}

/// How long to wait before the next poll. While a job runs, its progress so far predicts the
/// rest: a job 20% done after 4 s needs about 16 s more, so polling it every 300 ms would only
/// spend the shared budget that nearly finished jobs need. Half the predicted remainder, kept
/// between `running_poll` and 4 s, polls often near the end and rarely at the start.
fn next_pause(limits: &RunLimits, status: &JobStatus, overall: f64, elapsed: Duration) -> Duration {
    match status {
        JobStatus::Running if overall > 0.05 && overall < 1.0 => {
            let remaining = elapsed.mul_f64((1.0 - overall) / overall);
            (remaining / 2).clamp(limits.running_poll, Duration::from_secs(4).max(limits.running_poll))
        }
        JobStatus::Running => limits.running_poll,
        _ => limits.waiting_poll,
    }
}

/// A cancel that lands after the server offered a picture does not throw that picture away:
/// it was made, and it is paid for. Downloads already started are finished (each is bounded by
/// the download limits) and kept with the canceled run; one that fails is reported in the log,
/// since the run's verdict is the cancel the person asked for, not the lost download.
pub(crate) async fn keep_started_downloads(
    inner: &Inner,
    plan: &RunPlan,
    downloads: &mut JoinSet<Result<SavedImage, EngineError>>,
    outcome: &mut RunOutcome,
) {
    let mut lost = None;
    finish_downloads(inner, plan, downloads, outcome, &mut lost).await;
    if let Some(e) = lost {
        eprintln!("easel: run {} was canceled, and a picture it had made could not be saved: {e}", plan.run_id);
    }
}

pub(crate) fn collect_ready(
    inner: &Inner,
    plan: &RunPlan,
    downloads: &mut JoinSet<Result<SavedImage, EngineError>>,
    outcome: &mut RunOutcome,
    first_error: &mut Option<EngineError>,
) {
    while let Some(done) = downloads.try_join_next() {
        record(inner, plan, done, outcome, first_error);
    }
}

pub(crate) async fn finish_downloads(
    inner: &Inner,
    plan: &RunPlan,
    downloads: &mut JoinSet<Result<SavedImage, EngineError>>,
    outcome: &mut RunOutcome,
    first_error: &mut Option<EngineError>,
) {
    while let Some(done) = downloads.join_next().await {
        record(inner, plan, done, outcome, first_error);
    }
}

fn record(
    inner: &Inner,
    plan: &RunPlan,
    done: Result<Result<SavedImage, EngineError>, tokio::task::JoinError>,
    outcome: &mut RunOutcome,
    first_error: &mut Option<EngineError>,
) {
    match done {
        Ok(Ok(image)) => {
            inner.emit_run(plan, JobChange::ImageSaved { image: image.clone() });
            outcome.images.push(image);
        }
        Ok(Err(e)) => {
            first_error.get_or_insert(e);
        }
        Err(e) => {
            first_error.get_or_insert(EngineError::File { path: plan.run_id.clone(), reason: e.to_string() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_follow_predicted_remaining_time() {
        let limits = RunLimits::default();
        let pause = |overall, secs| next_pause(&limits, &JobStatus::Running, overall, Duration::from_secs(secs));
        assert_eq!(pause(0.2, 4), Duration::from_secs(4), "early: rare polls, capped at 4 s");
        assert_eq!(pause(0.5, 2), Duration::from_secs(1));
        assert_eq!(pause(0.95, 10), limits.running_poll, "near the end: the fastest pace");
        assert_eq!(pause(0.0, 10), limits.running_poll, "no progress yet: nothing to predict from");
        assert_eq!(next_pause(&limits, &JobStatus::Waiting, 0.0, Duration::ZERO), limits.waiting_poll);
    }
}
