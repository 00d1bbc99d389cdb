//! The request log: method, path, status and arrival time of every request the emulator
//! answered (`/v1`, uploads, files), for tests and benchmarks that must count what a client sent
//! (model lookups, uploads, requests per second, 429s). Query strings are left out: result URLs
//! carry signatures. Bounded like the arrival list.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Most requests kept; a long demo session stops recording instead of growing.
const MAX_LOGGED: usize = 1 << 20;

/// One answered request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// When it arrived.
    pub at: Instant,
    /// `GET`, `POST`...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
}

/// Every answered request, oldest arrival first once sorted.
#[derive(Debug, Default)]
pub(crate) struct RequestLog(Mutex<Vec<LoggedRequest>>);

impl RequestLog {
    pub(crate) fn entries(&self) -> Vec<LoggedRequest> {
        let mut entries = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        entries.sort_by_key(|e| e.at);
        entries
    }
}

/// The outermost middleware: notes the request when its answer is ready.
pub(crate) async fn record(State(log): State<Arc<RequestLog>>, request: Request, next: Next) -> Response {
    let at = Instant::now();
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let entry = LoggedRequest { at, method, path, status: response.status().as_u16() };
    let mut entries = log.0.lock().unwrap_or_else(|p| p.into_inner());
    if entries.len() < MAX_LOGGED {
        entries.push(entry);
    }
    response
}
