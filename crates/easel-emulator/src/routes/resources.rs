//! Image uploads as TAMS does them: `POST /v1/resource/image` hands out a resource id and a
//! presigned PUT URL (pointing back at this emulator) with headers to send verbatim, including
//! an OSS-style `X-Oss-Callback`. The PUT stores the bytes; with the callback header the resource
//! is registered and the reply is `{"Status":"OK"}`, as OSS relays the service's callback reply.
//! The PUT's signature, content type and slot are checked before its body is read, so a caller
//! without a valid URL cannot make the emulator buffer anything.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

/// The longest `expireSec` an upload slot may ask for: 7 days, the retention of a short-term
/// (`term` 1) resource [6], so no PUT URL outlives what it uploads to.
pub const MAX_EXPIRE_SEC: u64 = 7 * 24 * 3600;

use crate::body::{read_limited, BodyError, JsonBody, MAX_UPLOAD};
use crate::routes::files::oss_error;
use crate::routes::parse_body;
use crate::rpc::Status;
use crate::sign::Refusal;
use crate::state::{unix_now, Shared, Upload, Uploaded};

/// Content type the upload must be sent with (it is part of what OSS signs).
pub const UPLOAD_CONTENT_TYPE: &str = "application/octet-stream";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadRequest {
    #[serde(alias = "expire_sec")]
    expire_sec: Option<Value>,
    term: Option<i32>,
}

/// `POST /v1/resource/image`.
pub async fn create_upload(State(shared): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Result<Json<Value>, Status> {
    let request: UploadRequest = parse_body(&body)?;
    let expire_sec = match &request.expire_sec {
        None | Some(Value::Null) => 3600,
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        Some(_) => 0,
    };
    if expire_sec == 0 {
        return Err(Status::invalid_argument("expireSec", "expireSec: must be a positive number of seconds\n"));
    }
    // Checked: a huge value must not wrap into an already-expired (or, in debug, panicking) URL.
    let expires = unix_now().checked_add(expire_sec).filter(|_| expire_sec <= MAX_EXPIRE_SEC).ok_or_else(|| {
        Status::invalid_argument("expireSec", format!("expireSec: at most {MAX_EXPIRE_SEC} seconds (7 days)\n"))
    })?;
    let term = request.term.unwrap_or(1);
    if !(1..=2).contains(&term) {
        return Err(Status::invalid_argument("term", "term: must be 1 (short) or 2 (long)\n"));
    }
    let resource_id = uuid::Uuid::new_v4().to_string();
    let callback_json = json!({
        "callbackUrl": format!("{}/v1/resource/callback", shared.base_url),
        "callbackBody": format!("resourceId={resource_id}&term={term}&size=${{size}}&mimeType=${{mimeType}}"),
    });
    let callback = STANDARD.encode(callback_json.to_string());
    let path = upload_path(&resource_id);
    let put_url = shared.signer.url("PUT", &shared.base_url, &path, expires);
    let upload = Upload {
        callback: callback.clone(),
        bytes: None,
        registered: false,
        size: None,
        created: std::time::Instant::now(),
        put_lifetime: std::time::Duration::from_secs(expire_sec),
    };
    shared.add_upload(&resource_id, upload);
    Ok(Json(json!({
        "resourceId": resource_id,
        "putUrl": put_url,
        "headers": {"Content-Type": UPLOAD_CONTENT_TYPE, "X-Oss-Callback": callback},
    })))
}

/// `PUT /upload/{resourceId}?Expires=..&OSSAccessKeyId=..&Signature=..`.
pub async fn put_upload(
    State(shared): State<Arc<Shared>>,
    Path(resource_id): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let expires = query.get("Expires").and_then(|e| e.parse::<u64>().ok()).unwrap_or(0);
    let signature = query.get("Signature").map(String::as_str).unwrap_or("");
    match shared.signer.check("PUT", &upload_path(&resource_id), expires, signature, unix_now()) {
        Ok(()) => {}
        Err(Refusal::Expired) => return oss_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired."),
        Err(Refusal::Tampered) => return oss_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", "Bad signature."),
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type != UPLOAD_CONTENT_TYPE {
        let message = format!("Content-Type `{content_type}` is not the signed `{UPLOAD_CONTENT_TYPE}`.");
        return oss_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", &message);
    }
    if shared.uploaded(&resource_id) == Uploaded::Unknown {
        return oss_error(StatusCode::NOT_FOUND, "NoSuchUpload", "No upload slot with this id.");
    }
    let body = match read_limited(body, MAX_UPLOAD).await {
        Ok(body) => body,
        Err(BodyError::TooLarge { limit }) => {
            let message = format!("Your proposed upload exceeds the maximum allowed size ({limit} bytes).");
            return oss_error(StatusCode::PAYLOAD_TOO_LARGE, "EntityTooLarge", &message);
        }
        Err(BodyError::Unreadable(reason)) => return oss_error(StatusCode::BAD_REQUEST, "IncompleteBody", &reason),
    };
    let callback = headers.get("x-oss-callback").and_then(|v| v.to_str().ok()).map(str::to_string);
    match shared.store_upload(&resource_id, body.to_vec(), callback.as_deref()) {
        None => oss_error(StatusCode::NOT_FOUND, "NoSuchUpload", "No upload slot with this id."),
        Some(true) => Json(json!({"Status": "OK"})).into_response(),
        // Stored, but without (the right) callback the service never hears of it: OSS answers
        // 200 with no body, as a plain PUT.
        Some(false) => StatusCode::OK.into_response(),
    }
}

fn upload_path(resource_id: &str) -> String {
    format!("/upload/{resource_id}")
}
