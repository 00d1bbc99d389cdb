//! Download bodies with injected faults: paced ("slow": at most N bytes per second, sent in
//! tenth-of-a-second chunks) and/or truncated (the body stops with an error part way, after a
//! `Content-Length` that promised the whole file, so the client sees a short read). A truncated
//! download always delivers its status line and headers first: the stream pauses once before
//! its first chunk and once before its error, and hyper flushes what it holds at each pause.
//! Without them hyper meets the error in the same poll that buffered the head and drops the
//! connection unflushed, so the client sees no response at all instead of a short one.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};

/// How often a paced download sends a chunk.
const PACE: Duration = Duration::from_millis(100);
/// Chunk size when not paced.
const CHUNK: usize = 64 * 1024;
/// Stream position after the injected error: the stream is over.
const DONE: usize = usize::MAX;

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
            if pos == DONE {
                return None;
            }
            if truncated && pos == 0 {
                // Pending once: hyper flushes the status line and headers on their own.
                tokio::task::yield_now().await;
            }
            if pos >= end {
                if !truncated {
                    return None;
                }
                // Pending once more: hyper flushes the chunks sent so far; the error then makes
                // it drop the connection, short of the promised `Content-Length`.
                tokio::task::yield_now().await;
                let error = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "injected truncation");
                return Some((Err(error), DONE));
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
