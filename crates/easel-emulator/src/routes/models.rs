//! `GET /v1/models/{modelId}`: model metadata from the emulator's small catalogue (`model`).

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use crate::model::model_json;
use crate::rpc::Status;

/// `GET /v1/models/{id}`.
pub async fn get_model(Path(id): Path<String>) -> Result<Json<Value>, Status> {
    let parsed: u64 = id.parse().map_err(|_| Status::bad_body(format!("model id `{id}` is not a uint64")))?;
    model_json(parsed).map(Json).ok_or_else(|| Status::not_found(format!("model {id} not found")))
}
