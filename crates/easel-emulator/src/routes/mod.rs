//! The HTTP surface: which path goes to which handler, which routes need TAMS credentials, and
//! the one helper every handler uses to parse a JSON body (camelCase or snake_case names, unknown
//! fields ignored, syntax errors answered with gRPC code 3). Bodies are read within explicit
//! limits, after the caller is admitted (see `body`).

mod files;
mod jobs;
mod models;
mod resources;
mod stages;
mod templates;

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::gate::gate;
use crate::rpc::Status;
use crate::state::Shared;

/// The whole router.
pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/v1/jobs/workflow", post(jobs::create_workflow_job))
        .route("/v1/jobs/workflow/params/check", post(jobs::check_workflow_params))
        .route("/v1/jobs/workflow/template", post(templates::create_template_job))
        .route("/v1/workflows/template/check", post(templates::check_template))
        .route("/v1/workflows/{id}", get(templates::get_template))
        .route("/v1/jobs", post(stages::create_stages_job))
        .route("/v1/jobs/credits", post(stages::stages_credits))
        .route("/v1/jobs/{id}", get(jobs::get_job).delete(jobs::cancel_job))
        .route("/v1/resource/image", post(resources::create_upload))
        .route("/v1/models/{id}", get(models::get_model))
        .route_layer(axum::middleware::from_fn_with_state(shared.clone(), gate));
    Router::new()
        .merge(api)
        .route("/files/{job}/{file}", get(files::get_file))
        .route("/showcase/{file}", get(models::get_showcase))
        .route("/upload/{resource}", put(resources::put_upload))
        .fallback(|| async { Status::not_found("Not Found") })
        .with_state(shared)
}

/// Reads a JSON body; an empty body counts as `{}`.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Status> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(Status::bad_body)
}
