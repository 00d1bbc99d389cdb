//! The classic stages endpoints: `POST /v1/jobs` (create; `requestId` and `stages` required) and
//! `POST /v1/jobs/credits` (estimate). The translation to a graph lives in `stages`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::body::JsonBody;
use crate::job::JobKind;
use crate::routes::jobs::{credits_of, reply_created};
use crate::routes::parse_body;
use crate::rpc::Status;
use crate::stages::{stages_to_workflow, Stage};
use crate::state::Shared;
use crate::validate::check_workflow;
use crate::wire::JobReply;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StagesRequest {
    #[serde(alias = "request_id")]
    request_id: Option<String>,
    #[serde(default)]
    stages: Vec<Stage>,
}

/// `POST /v1/jobs`.
pub async fn create_stages_job(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<JobReply>, Status> {
    let request: StagesRequest = parse_body(&body)?;
    let request_id = request.request_id.filter(|r| !r.is_empty());
    let Some(request_id) = request_id else {
        return Err(Status::invalid_argument("requestId", "requestId: required\n"));
    };
    let checked = check_workflow(stages_to_workflow(&request.stages, &request_id)?)?;
    Ok(reply_created(&shared, Some(&request_id), JobKind::Stages, checked))
}

/// `POST /v1/jobs/credits`: `{credits}`.
pub async fn stages_credits(JsonBody(body): JsonBody) -> Result<Json<Value>, Status> {
    let request: StagesRequest = parse_body(&body)?;
    let checked = check_workflow(stages_to_workflow(&request.stages, "estimate")?)?;
    Ok(Json(json!({"credits": credits_of(checked)})))
}
