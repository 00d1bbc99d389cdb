//! The job endpoints: create from a raw graph (`POST /v1/jobs/workflow`), check a graph
//! (`POST /v1/jobs/workflow/params/check`), poll (`GET /v1/jobs/{id}`) and cancel
//! (`DELETE /v1/jobs/{id}`). Templates and stages jobs reuse `reply_created` from here.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::body::JsonBody;
use crate::image_inputs::{check_image_inputs, image_inputs};
use crate::job::{Fate, Job, JobKind};
use crate::routes::parse_body;
use crate::rpc::Status;
use crate::state::{unix_now, Shared};
use crate::validate::{check_params, Checked};
use crate::view::{job_view, Urls};
use crate::wire::JobReply;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateWorkflowJob {
    #[serde(alias = "request_id")]
    request_id: Option<String>,
    params: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct CheckParams {
    params: Option<Value>,
}

/// `POST /v1/jobs/workflow`.
pub async fn create_workflow_job(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<JobReply>, Status> {
    let request: CreateWorkflowJob = parse_body(&body)?;
    let checked = check_graph(&shared, request.params)?;
    Ok(reply_created(&shared, request.request_id.as_deref(), JobKind::Workflow, checked))
}

/// A raw graph checked as create and check both do: structure and schemas, then every image
/// loader's input against this instance's uploads.
fn check_graph(shared: &Shared, params: Option<Value>) -> Result<Checked, Status> {
    let mut checked = check_params(params)?;
    let inputs = image_inputs(&checked.workflow);
    checked.input_sizes = check_image_inputs(&checked.workflow, &inputs, |id| shared.uploaded(id))?;
    Ok(checked)
}

/// Creates (or finds, for a repeated requestId) the job and answers as create does: a new job
/// is shown as just created, an existing one as it is now.
pub fn reply_created(shared: &Shared, request_id: Option<&str>, kind: JobKind, checked: Checked) -> Json<JobReply> {
    let request_id = request_id.filter(|r| !r.is_empty());
    let (job, created) = shared.create_job(request_id, kind, checked);
    let tick = if created { 0 } else { shared.ticks_since(job.created) };
    Json(JobReply { job: job_view(&job, tick, &urls(shared)) })
}

/// `POST /v1/jobs/workflow/params/check`: `{valid, credits}` or the same error create gives.
pub async fn check_workflow_params(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, Status> {
    let request: CheckParams = parse_body(&body)?;
    let checked = check_graph(&shared, request.params)?;
    Ok(Json(estimate(checked)))
}

/// `{valid: true, credits}` for a checked graph.
pub fn estimate(checked: Checked) -> Value {
    json!({"valid": true, "credits": credits_of(checked)})
}

/// What a checked graph would cost.
pub fn credits_of(checked: Checked) -> f64 {
    let fate = Fate { queue: 0, fail_rate: 0.0, seed: 0, settle: 0 };
    Job::new(0, JobKind::Workflow, checked, fate).credits
}

/// `GET /v1/jobs/{id}`.
pub async fn get_job(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Result<Json<JobReply>, Status> {
    let job = find(&shared, &id)?;
    let tick = shared.ticks_since(job.created);
    Ok(Json(JobReply { job: job_view(&job, tick, &urls(&shared)) }))
}

/// `DELETE /v1/jobs/{id}`: cancels a job that has not finished; a finished one keeps its status.
pub async fn cancel_job(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Result<Json<Value>, Status> {
    let job = find(&shared, &id)?;
    let tick = shared.ticks_since(job.created);
    if !job.schedule.phase_at(tick).is_terminal() {
        let mut canceled = job.canceled_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if canceled.is_none() {
            *canceled = Some(tick);
        }
    }
    Ok(Json(json!({"jobId": job.id.to_string()})))
}

fn find(shared: &Shared, id: &str) -> Result<Arc<Job>, Status> {
    let parsed: u64 = id.parse().map_err(|_| Status::bad_body(format!("job id `{id}` is not a uint64")))?;
    shared.job(parsed).ok_or_else(|| Status::not_found(format!("job {id} not found")))
}

/// URL signing for a reply made now.
pub fn urls(shared: &Shared) -> Urls<'_> {
    let lifetime = shared.config.url_lifetime.as_secs();
    Urls { signer: &shared.signer, base: &shared.base_url, expires: unix_now() + lifetime, lifetime }
}
