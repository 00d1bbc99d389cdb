//! `POST /prompt` (queue a validated API graph) and `GET /prompt` (queue size), as the newest
//! server answers them: the counter advances on every POST without `number`, `front` queues at
//! `-number`, a client `prompt_id` must be a canonical lowercase UUID, validation errors are 400
//! `{error, node_errors}` and success is `{prompt_id, number, node_errors}`. A body that is not
//! JSON gets 500, as aiohttp's unguarded `request.json()` does. `partial_execution_targets` and
//! the `Comfy-Usage-Source` header are ignored.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use easel_workflow::{Workflow, MAX_NODES};
use serde_json::{json, Map, Value};

use super::state::{Comfy, Queued, MAX_PENDING};
use super::upload::image_for_value;
use super::validate::{prompt_error, refusal_body, validate};
use crate::body::{read_limited, BodyError};
use crate::dimensions::picture_size;
use crate::validate::Checked;

/// Largest `POST /prompt` body (the server takes up to its upload limit; graphs are kB).
pub const MAX_PROMPT_BODY: usize = 16 * 1024 * 1024;

fn refusal(error: Value, node_errors: Map<String, Value>) -> Response {
    (StatusCode::BAD_REQUEST, Json(refusal_body(error, node_errors))).into_response()
}

/// aiohttp's reply to an exception in a handler.
pub fn server_error() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "500 Internal Server Error\n\nServer got itself in trouble").into_response()
}

/// True for a canonical, lowercase, hyphenated UUID (the newest server's rule).
pub fn is_canonical_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok_and(|u| u.hyphenated().to_string() == text)
}

/// `GET /prompt`.
pub async fn get_prompt(State(comfy): State<Arc<Comfy>>) -> Json<Value> {
    Json(json!({"exec_info": {"queue_remaining": comfy.queue_remaining()}}))
}

/// `POST /prompt`.
pub async fn post_prompt(State(comfy): State<Arc<Comfy>>, body: Body) -> Response {
    let bytes = match read_limited(body, MAX_PROMPT_BODY).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge { limit }) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, format!("the prompt body is over {limit} bytes")).into_response()
        }
        Err(BodyError::Unreadable(_)) => return server_error(),
    };
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&bytes) else { return server_error() };
    // The server advances its counter before it looks at the prompt.
    let counter = {
        let mut books = comfy.books();
        let n = books.counter;
        if body.get("number").is_none() {
            books.counter += 1;
        }
        n
    };
    let (number, rank) = match body.get("number").and_then(Value::as_f64) {
        Some(n) => (Value::from(n), n),
        None if body.get("front").and_then(Value::as_bool) == Some(true) => (Value::from(-counter), -counter as f64),
        None => (Value::from(counter), counter as f64),
    };
    let prompt_id = match body.get("prompt_id") {
        None | Some(Value::Null) => uuid::Uuid::new_v4().to_string(),
        Some(Value::String(id)) if is_canonical_uuid(id) => id.clone(),
        Some(_) => {
            let error = prompt_error(
                "invalid_prompt_id",
                "Invalid prompt_id format",
                "prompt_id must be a lowercase, hyphenated UUID",
                json!({}),
            );
            return refusal(error, Map::new());
        }
    };
    let prompt = match body.remove("prompt") {
        Some(Value::Object(prompt)) => prompt,
        None => {
            let error = prompt_error("no_prompt", "No prompt provided", "No prompt provided", json!({}));
            return refusal(error, Map::new());
        }
        // The server fails on such a prompt with a 500; a clear 400 says more [emulator's choice].
        Some(_) => {
            let details = "prompt must be an object of nodes keyed by id";
            return refusal(prompt_error("invalid_prompt", "Invalid prompt", details, json!({})), Map::new());
        }
    };
    if prompt.len() > MAX_NODES {
        let details = format!("the prompt has {} nodes; at most {MAX_NODES} are accepted", prompt.len());
        return refusal(prompt_error("invalid_prompt", "Prompt is too large", &details, json!({})), Map::new());
    }
    let verdict = match validate(&comfy, &prompt) {
        Ok(verdict) => verdict,
        Err(body) => return (StatusCode::BAD_REQUEST, Json(body)).into_response(),
    };
    let checked = match checked_graph(&comfy, &prompt) {
        Ok(checked) => checked,
        Err(reason) => {
            return refusal(prompt_error("invalid_prompt", "Invalid prompt", &reason, json!({})), Map::new())
        }
    };
    let mut extra_data = match body.remove("extra_data") {
        Some(Value::Object(extra)) => extra,
        _ => Map::new(),
    };
    if let Some(client_id) = body.get("client_id").filter(|c| c.is_string()) {
        extra_data.insert("client_id".into(), client_id.clone());
    }
    extra_data.insert("create_time".into(), Value::from(unix_millis()));
    let queued = Queued {
        number: number.clone(),
        rank,
        prompt_id: prompt_id.clone(),
        prompt: Value::Object(prompt),
        extra_data: Value::Object(extra_data),
        outputs: verdict.good_outputs,
        checked,
    };
    {
        let mut books = comfy.books();
        if books.pending.len() >= MAX_PENDING {
            drop(books);
            let details = format!("at most {MAX_PENDING} prompts may wait at once");
            return refusal(prompt_error("queue_full", "The queue is full", &details, json!({})), Map::new());
        }
        books.pending.push(queued);
    }
    comfy.broadcast_status();
    comfy.wake.notify_one();
    Json(json!({"prompt_id": prompt_id, "number": number, "node_errors": verdict.node_errors})).into_response()
}

/// The graph as easel-workflow reads it, with its execution order (validation already passed,
/// so what fails here is a cycle, which the server only finds when it runs).
/// Image loaders whose upload's size is known plan their outputs at that size.
fn checked_graph(comfy: &Comfy, prompt: &Map<String, Value>) -> Result<Checked, String> {
    let workflow = Workflow::from_stored_params(Value::Object(prompt.clone())).map_err(|e| e.to_string())?;
    let order = workflow.execution_order().map_err(|e| e.to_string())?;
    let input_sizes = workflow
        .nodes
        .iter()
        .filter(|(_, node)| matches!(node.class_type.as_str(), "LoadImage" | "LoadImageMask"))
        .filter_map(|(id, node)| {
            let value = node.inputs.get("image")?.value()?.as_str()?;
            Some((id.clone(), picture_size(&image_for_value(comfy, value)?)?))
        })
        .collect();
    Ok(Checked { workflow, order, input_sizes })
}

/// Milliseconds since the Unix epoch.
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
