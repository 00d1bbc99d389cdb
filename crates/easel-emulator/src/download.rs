//! Download bodies with injected faults: paced ("slow": at most N bytes per second, sent in
//! tenth-of-a-second chunks) and/or truncated (the body stops with an error part way, after a
//! `Content-Length` that promised the whole file, so the client sees a short read).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};

/// How often a paced download sends a chunk.
const PACE: Duration = Duration::from_millis(100);
/// Chunk size when not paced.
const CHUNK: usize = 64 * 1024;

/// A body for `bytes`, cut off after `cut` bytes when set, paced at `bytes_per_sec` when non-zero.
pub fn body(bytes: Arc<Vec<u8>>, cut: Option<usize>, bytes_per_sec: u64) -> Body {
    if cut.is_none() && bytes_per_sec == 0 {
        return Body::from(bytes.as_ref().clone());
    }
    let end = cut.unwrap_or(bytes.len()).min(bytes.len());
    let chunk = if bytes_per_sec == 0 { CHUNK } else { ((bytes_per_sec / 10) as usize).max(1) };
    let paced = bytes_per_sec > 0;
    let truncated = cut.is_some();
    let stream = futures_util::stream::unfold(0usize, move |pos| {
        let bytes = bytes.clone();
        async move {
            if pos >= end {
                // After the last promised byte: a truncated download ends in an error instead.
                return truncated.then(|| {
                    let error = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "injected truncation");
                    (Err(error), usize::MAX)
                });
            }
            if paced && pos > 0 {
                tokio::time::sleep(PACE).await;
            }
            let next = (pos + chunk).min(end);
            Some((Ok::<Bytes, std::io::Error>(Bytes::copy_from_slice(&bytes[pos..next])), next))
        }
    });
    Body::from_stream(stream)
}
