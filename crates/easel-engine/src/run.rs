//! One run from start to end: submit the job (its row is already stored), poll it at an
//! interval that follows its state, emit a `JobEvent` for every change, save each result image
//! the moment its URL appears (re-reading the job when a URL has expired), and record the
//! outcome. Bounded in time (`RunLimits`) so no loop runs forever. Concurrency across runs,
//! cancel and resume-after-restart grow here next.

use std::sync::Arc;
use std::time::Duration;

use easel_tams::{Job, JobStatus, TamsError};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::download::{image_path, save_image};
use crate::progress::{ImageOffer, Tracker};
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
    /// Why the run did not succeed, if it did not.
    pub error: Option<EngineError>,
}

/// Time limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct RunLimits {
    /// Give up polling after this long.
    pub job_timeout: Duration,
    /// Poll interval while the job runs.
    pub running_poll: Duration,
    /// Poll interval while it is created or queued.
    pub waiting_poll: Duration,
    /// Attempts per image download (expired URLs refreshed in between).
    pub download_attempts: u32,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            job_timeout: Duration::from_secs(30 * 60),
            running_poll: Duration::from_millis(300),
            waiting_poll: Duration::from_secs(1),
            download_attempts: 4,
        }
    }
}

pub(crate) struct RunPlan {
    pub run_id: String,
    pub request_id: String,
    pub created_at: i64,
    pub order: Vec<String>,
    pub params: Value,
    pub prompt_chunk: String,
    pub seeds: Value,
}

pub(crate) async fn drive(inner: Arc<Inner>, plan: RunPlan) -> RunOutcome {
    let mut outcome = RunOutcome { run_id: plan.run_id.clone(), job_id: None, images: Vec::new(), error: None };
    inner.emit(&plan.run_id, JobChange::Queued { nodes: plan.order.clone() });
    let result = submit_and_follow(&inner, &plan, &mut outcome).await;
    let (status, error) = match &result {
        Ok(FinalState::Succeeded(_)) => ("succeeded", None),
        Ok(FinalState::Canceled) => ("canceled", None),
        Err(e) => ("failed", Some((e.code(), e.to_string()))),
    };
    let credits = match &result {
        Ok(FinalState::Succeeded(c)) => *c,
        _ => None,
    };
    if let Err(e) = inner.with_store(|s| s.finish_run(&plan.run_id, status, credits, error.as_ref().map(|(c, m)| (*c, m.as_str())))) {
        eprintln!("easel: could not record the end of run {}: {e}", plan.run_id);
    }
    let change = match result {
        Ok(FinalState::Succeeded(credits)) => JobChange::Succeeded { credits, images: outcome.images.len() as u32 },
        Ok(FinalState::Canceled) => JobChange::Canceled,
        Err(e) => {
            let change = JobChange::Failed { code: e.code().to_string(), message: e.to_string() };
            outcome.error = Some(e);
            change
        }
    };
    inner.emit(&plan.run_id, change);
    outcome
}

enum FinalState {
    Succeeded(Option<f64>),
    Canceled,
}

async fn submit_and_follow(inner: &Inner, plan: &RunPlan, outcome: &mut RunOutcome) -> Result<FinalState, EngineError> {
    let created = inner.client.create_workflow_job(&plan.request_id, &plan.params).await?;
    let job_id = created.id.clone().ok_or_else(|| TamsError::Decode("create answered without a job id".into()))?;
    inner.with_store(|s| s.set_job_id(&plan.run_id, &job_id))?;
    outcome.job_id = Some(job_id.clone());
    inner.emit(&plan.run_id, JobChange::Submitted { job_id: job_id.clone() });

    let mut tracker = Tracker::new(plan.order.clone());
    let deadline = Instant::now() + inner.limits.job_timeout;
    let mut job = created;
    loop {
        let (changes, offers) = tracker.update(&job);
        for change in changes {
            inner.emit(&plan.run_id, change);
        }
        for offer in offers {
            let image = save_with_refresh(inner, plan, &job_id, offer).await?;
            inner.emit(&plan.run_id, JobChange::ImageSaved { image: image.clone() });
            outcome.images.push(image);
        }
        match job.status {
            JobStatus::Success => return Ok(FinalState::Succeeded(job.credits)),
            JobStatus::Canceled => return Ok(FinalState::Canceled),
            JobStatus::Failed => {
                let info = job.failed_info.unwrap_or_default();
                let reason = info.reason.unwrap_or_else(|| "no reason given".into());
                return Err(EngineError::JobFailed(format!("{reason} ({:?})", info.code)));
            }
            _ => {}
        }
        if Instant::now() >= deadline {
            return Err(EngineError::JobFailed(format!(
                "no result after {} s; the job is still {:?} on the service",
                inner.limits.job_timeout.as_secs(),
                job.status
            )));
        }
        let pause = if job.status == JobStatus::Running { inner.limits.running_poll } else { inner.limits.waiting_poll };
        tokio::time::sleep(pause).await;
        job = inner.client.get_job(&job_id).await?;
    }
}

async fn save_with_refresh(
    inner: &Inner,
    plan: &RunPlan,
    job_id: &str,
    mut offer: ImageOffer,
) -> Result<SavedImage, EngineError> {
    if let Some(id) = inner.with_store(|s| s.image_id(&plan.run_id, &offer.resource))? {
        let path = inner.with_store(|s| s.image_path(id))?.unwrap_or_default();
        let (width, height) = (offer.width.unwrap_or(0), offer.height.unwrap_or(0));
        return Ok(SavedImage { id: id.to_string(), path, node_id: offer.node_id, width, height });
    }
    let dest = image_path(&inner.library, &plan.run_id, plan.created_at, &offer.node_id, &offer.resource);
    let easel_chunk = json!({
        "runId": plan.run_id, "jobId": job_id, "requestId": plan.request_id,
        "backend": inner.client.base_url(), "seeds": plan.seeds, "createdAt": plan.created_at,
    })
    .to_string();
    let text = vec![("prompt".to_string(), plan.prompt_chunk.clone()), ("easel".to_string(), easel_chunk)];
    let mut attempt = 0;
    let saved = loop {
        attempt += 1;
        match save_image(&inner.client, &offer, &dest, text.clone()).await {
            Ok(saved) => break saved,
            Err(e) if attempt >= inner.limits.download_attempts => return Err(e),
            Err(EngineError::Tams(TamsError::UrlExpired)) => {
                let job = inner.client.get_job(job_id).await?;
                if let Some(fresh) = fresh_url(&job, &offer) {
                    offer.url = fresh;
                }
            }
            Err(EngineError::Tams(e)) if e.is_retryable() => {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            Err(EngineError::BadImage { .. }) => {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            Err(e) => return Err(e),
        }
    };
    let path = saved.path.to_string_lossy().to_string();
    let id = inner.with_store(|s| {
        s.insert_image(&crate::store::NewImage {
            run_id: &plan.run_id,
            job_id,
            resource: &offer.resource,
            node_id: &offer.node_id,
            path: &path,
            width: saved.width,
            height: saved.height,
        })
    })?;
    Ok(SavedImage { id: id.to_string(), path, node_id: offer.node_id, width: saved.width, height: saved.height })
}

/// The same image's URL in a newer snapshot, matched by resource id or URL path.
fn fresh_url(job: &Job, offer: &ImageOffer) -> Option<String> {
    let mut tracker = Tracker::new(Vec::new());
    let (_, offers) = tracker.update(job);
    let path = crate::progress::url_path(&offer.url);
    offers.into_iter().find(|o| o.resource == offer.resource || crate::progress::url_path(&o.url) == path).map(|o| o.url)
}
