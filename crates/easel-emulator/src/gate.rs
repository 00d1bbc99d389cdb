//! What every `/v1` request passes before its handler: authentication, the per-credential rate
//! limit, then the injected faults of the `FaultSpec` (added latency, a 503, or a dropped
//! connection), each decided by the seeded generator from the request's sequence number.
//! Nothing of the body is read here unless the RSA scheme needs it for the signature, and then
//! only after the header alone could be valid, and within `MAX_JSON_BODY`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{Signed, RSA_SCHEME};
use crate::body::{json_refusal, read_limited, MAX_JSON_BODY};
use crate::prng::roll;
use crate::rpc::Status;
use crate::state::{unix_now, Shared};

/// Random streams of the fault generator, one per kind of decision.
pub mod stream {
    /// 503 replies.
    pub const UNAVAILABLE: u64 = 10;
    /// Dropped connections.
    pub const RESET: u64 = 11;
    /// Truncated downloads.
    pub const TRUNCATE: u64 = 12;
    /// Where a truncated download stops.
    pub const TRUNCATE_AT: u64 = 13;
}

/// The middleware on every `/v1` route.
pub async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    shared.record_arrival(Instant::now());
    let header = request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (request, checked) = if let Some(rsa) = header.as_deref().filter(|h| h.starts_with(RSA_SCHEME)) {
        // A stranger (wrong app id, stale or malformed header) is refused before any body byte
        // is read: only the signature needs the body.
        if let Err(status) = shared.credentials.rsa_may_pass(rsa, unix_now()) {
            return status.into_response();
        }
        // The signature covers the exact body bytes: read them, check, then hand them on.
        let (parts, body) = request.into_parts();
        let bytes = match read_limited(body, MAX_JSON_BODY).await {
            Ok(bytes) => bytes,
            Err(error) => return json_refusal(error),
        };
        let path_and_query = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let signed = Signed { method: parts.method.as_str(), path_and_query, body: &bytes, now: unix_now() };
        let checked = shared.credentials.check(header.as_deref(), Some(signed));
        (Request::from_parts(parts, Body::from(bytes)), checked)
    } else {
        let checked = shared.credentials.check(header.as_deref(), None);
        (request, checked)
    };
    let caller = match checked {
        Ok(caller) => caller,
        Err(status) => return status.into_response(),
    };
    if !shared.limit.admit(&caller, Instant::now()) {
        return Status::resource_exhausted().into_response();
    }
    let faults = &shared.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let n = shared.next_request();
    if roll(faults.seed, stream::RESET, n) < faults.reset_rate {
        return dropped_connection();
    }
    if roll(faults.seed, stream::UNAVAILABLE, n) < faults.error_rate {
        return Status::unavailable().into_response();
    }
    next.run(request).await
}

/// A reply whose body fails before its first byte: the server closes the connection and the
/// client sees it end without a response.
pub fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset"))
    });
    Response::new(Body::from_stream(failing))
}
