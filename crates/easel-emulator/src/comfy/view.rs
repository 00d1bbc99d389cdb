//! `GET /view?filename=&subfolder=&type=`: a stored output or upload, with the server's checks
//! (404 without a filename or for an unknown file, 400 for an empty, absolute or `..` name or a
//! bad type, 403 for a subfolder escaping its folder; ` [output]`-style annotations pick the
//! type), `Content-Type` from the extension and `Content-Disposition`. The `truncate` and `slow`
//! faults apply to the body. Left out: `preview=` re-encoding and `channel=` extraction (the
//! file is sent as is) and ETag/Range handling.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::Comfy;
use super::upload::{annotated_key, safe_subfolder, TYPES};
use crate::download;
use crate::gate::stream;
use crate::prng::roll;

/// The content type the server guesses from a file name.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}

/// `GET /view`.
pub async fn view(State(comfy): State<Arc<Comfy>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(filename) = query.get("filename") else { return StatusCode::NOT_FOUND.into_response() };
    if filename.is_empty() || filename.starts_with('/') || filename.contains("..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let kind = query.get("type").map(String::as_str).unwrap_or("output");
    if !TYPES.contains(&kind) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let subfolder = query.get("subfolder").map(String::as_str).unwrap_or("");
    if !safe_subfolder(subfolder) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some((kind, extra_sub, name)) = annotated_key(filename, kind) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let subfolder = match (subfolder, extra_sub.as_str()) {
        ("", sub) => sub.to_string(),
        (sub, "") => sub.to_string(),
        (sub, more) => format!("{sub}/{more}"),
    };
    let Some(bytes) = comfy.file(&(kind, subfolder, name.clone())) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let faults = &comfy.config.faults;
    let n = comfy.next_request();
    let len = bytes.len();
    let cut = (roll(faults.seed, stream::TRUNCATE, n) < faults.truncate_rate)
        .then(|| (len as f64 * (0.1 + 0.8 * roll(faults.seed, stream::TRUNCATE_AT, n))) as usize);
    let headers = [
        (header::CONTENT_TYPE, content_type(&name).to_string()),
        (header::CONTENT_LENGTH, len.to_string()),
        (header::CONTENT_DISPOSITION, format!("filename=\"{name}\"")),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ];
    (headers, download::body(bytes, cut, faults.slow_bytes_per_sec)).into_response()
}
