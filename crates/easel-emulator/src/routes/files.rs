//! Result downloads: `GET /files/{jobId}/{index}.png` with the signed query the job reply gave
//! (`Expires`, `OSSAccessKeyId`, `Signature`). Expired or tampered URLs get HTTP 403 with an
//! OSS-style XML error. PNGs are rendered on first request, off the async threads, then cached.
//! Download faults (truncation, pacing) are applied here; see `download`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::download;
use crate::gate::stream;
use crate::job::Job;
use crate::prng::roll;
use crate::sign::Refusal;
use crate::state::{unix_now, Shared};
use crate::view::image_path;

/// `GET /files/{job}/{file}`.
pub async fn get_file(
    State(shared): State<Arc<Shared>>,
    Path((job_id, file)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (Ok(job_id), Some(Ok(index))) = (job_id.parse::<u64>(), file.strip_suffix(".png").map(str::parse::<usize>))
    else {
        return oss_error(StatusCode::NOT_FOUND, "NoSuchKey", "The specified key does not exist.");
    };
    let expires = query.get("Expires").and_then(|e| e.parse::<u64>().ok());
    let signature = query.get("Signature");
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return oss_error(StatusCode::FORBIDDEN, "AccessDenied", "Missing Expires or Signature.");
    };
    match shared.signer.check("GET", &image_path(job_id, index), expires, signature, unix_now()) {
        Ok(()) => {}
        Err(Refusal::Expired) => return oss_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired."),
        Err(Refusal::Tampered) => {
            return oss_error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        }
    }
    let Some(job) = shared.job(job_id).filter(|j| index < j.images.len()) else {
        return oss_error(StatusCode::NOT_FOUND, "NoSuchKey", "The specified key does not exist.");
    };
    if shared.count_download(job_id, index) < shared.config.faults.expire_first {
        return oss_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired.");
    }
    match png_bytes(&shared, &job, index).await {
        Ok(bytes) => {
            let faults = &shared.config.faults;
            let n = shared.next_request();
            let len = bytes.len();
            let cut = (roll(faults.seed, stream::TRUNCATE, n) < faults.truncate_rate)
                .then(|| (len as f64 * (0.1 + 0.8 * roll(faults.seed, stream::TRUNCATE_AT, n))) as usize);
            let headers = [(header::CONTENT_TYPE, "image/png".to_string()), (header::CONTENT_LENGTH, len.to_string())];
            (headers, download::body(bytes, cut, faults.slow_bytes_per_sec)).into_response()
        }
        Err(reason) => oss_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", &reason),
    }
}

/// The PNG of image `index`, rendered on first request and kept within the budget.
async fn png_bytes(shared: &Shared, job: &Job, index: usize) -> Result<Arc<Vec<u8>>, String> {
    let (Some(slot), Some(image)) = (job.pngs.get(index), job.images.get(index)) else {
        return Err(format!("job {} has no image {index}", job.id));
    };
    shared.pngs.bytes(slot, &image.picture).await
}

/// An OSS-style XML error reply.
pub fn oss_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{code}</Code>\n  <Message>{message}</Message>\n  <HostId>127.0.0.1</HostId>\n</Error>\n"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}
