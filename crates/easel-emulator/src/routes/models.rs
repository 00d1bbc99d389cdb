//! `GET /v1/models/{modelId}`: model metadata from the emulator's small catalogue (`model`), and
//! `GET /showcase/{id}.png`, the showcase pictures its `showcaseImageUrls` point at.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::model::{model_json, showcase_png};
use crate::rpc::Status;
use crate::state::Shared;

/// `GET /v1/models/{id}`.
pub async fn get_model(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Result<Json<Value>, Status> {
    let parsed: u64 = id.parse().map_err(|_| Status::bad_body(format!("model id `{id}` is not a uint64")))?;
    model_json(parsed, &shared.base_url).map(Json).ok_or_else(|| Status::not_found(format!("model {id} not found")))
}

/// `GET /showcase/{id}.png`.
pub async fn get_showcase(Path(file): Path<String>) -> Response {
    let Some(id) = file.strip_suffix(".png").and_then(|id| id.parse::<u64>().ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::task::spawn_blocking(move || showcase_png(id)).await {
        Ok(Some(Ok(png))) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some(Err(e))) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
