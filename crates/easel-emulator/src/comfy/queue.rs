//! The queue and history routes: `GET /queue`, `POST /queue` (`clear`, `delete` pending ids),
//! `GET /history` (`max_items`, `offset`), `GET /history/{id}` (`{}` when unknown, queued or
//! running), `POST /history` (`clear`, `delete`) and `POST /interrupt` (optionally only a given
//! `prompt_id`). Replies with no body are empty 200s, as the server's. The newest `/api/jobs`
//! routes are left out.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::state::Comfy;

/// A JSON body as the server reads it for these routes: anything else counts as `{}`.
fn body_object(bytes: &[u8]) -> Map<String, Value> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The string ids of a `delete` list.
fn delete_ids(body: &Map<String, Value>) -> Vec<String> {
    let list = body.get("delete").and_then(Value::as_array);
    list.map(|ids| ids.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

/// `GET /queue`.
pub async fn get_queue(State(comfy): State<Arc<Comfy>>) -> Json<Value> {
    let books = comfy.books();
    let running: Vec<Value> = books.running.iter().map(|r| r.queued.tuple()).collect();
    let pending: Vec<Value> = books.pending.iter().map(|q| q.tuple()).collect();
    Json(json!({"queue_running": running, "queue_pending": pending}))
}

/// `POST /queue`: touches pending prompts only; unknown ids are ignored.
pub async fn post_queue(State(comfy): State<Arc<Comfy>>, bytes: Bytes) -> StatusCode {
    let body = body_object(&bytes);
    let changed = {
        let mut books = comfy.books();
        let before = books.pending.len();
        if body.get("clear").and_then(Value::as_bool) == Some(true) {
            books.pending.clear();
        }
        let ids = delete_ids(&body);
        books.pending.retain(|q| !ids.contains(&q.prompt_id));
        books.pending.len() != before
    };
    if changed {
        comfy.broadcast_status();
    }
    StatusCode::OK
}

/// `GET /history?max_items=&offset=`: oldest first; `max_items` keeps the last N.
pub async fn get_history(State(comfy): State<Arc<Comfy>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let number = |key: &str| query.get(key).map(|v| v.trim().parse::<usize>());
    let (max_items, offset) = match (number("max_items"), number("offset")) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => {
            return (StatusCode::BAD_REQUEST, "max_items and offset must be whole numbers").into_response()
        }
        (max, off) => (max.and_then(Result::ok), off.and_then(Result::ok).unwrap_or(0)),
    };
    let books = comfy.books();
    let len = books.history.len();
    let end = len.saturating_sub(offset);
    let start = max_items.map_or(0, |m| end.saturating_sub(m));
    let entries: Map<String, Value> = books.history.range(start..end).map(|(id, e)| (id.clone(), e.clone())).collect();
    Json(Value::Object(entries)).into_response()
}

/// `GET /history/{prompt_id}`.
pub async fn get_history_entry(State(comfy): State<Arc<Comfy>>, Path(prompt_id): Path<String>) -> Json<Value> {
    let books = comfy.books();
    Json(match books.history.iter().find(|(id, _)| *id == prompt_id) {
        Some((id, entry)) => json!({ id.clone(): entry }),
        None => json!({}),
    })
}

/// `POST /history`.
pub async fn post_history(State(comfy): State<Arc<Comfy>>, bytes: Bytes) -> StatusCode {
    let body = body_object(&bytes);
    let mut books = comfy.books();
    if body.get("clear").and_then(Value::as_bool) == Some(true) {
        books.history.clear();
    }
    let ids = delete_ids(&body);
    books.history.retain(|(id, _)| !ids.contains(id));
    StatusCode::OK
}

/// `POST /interrupt`: with `{"prompt_id"}` only that prompt, if it runs; otherwise whatever
/// runs. The runner notices at its next step, as the server does.
pub async fn post_interrupt(State(comfy): State<Arc<Comfy>>, bytes: Bytes) -> StatusCode {
    let body = body_object(&bytes);
    let only = body.get("prompt_id").and_then(Value::as_str);
    let mut books = comfy.books();
    if let Some(running) = books.running.as_mut() {
        if only.is_none_or(|id| id == running.queued.prompt_id) {
            running.interrupted = true;
        }
    }
    StatusCode::OK
}
