//! Reading request bodies within a limit, and only once the request may be served: the `/v1`
//! gate checks credentials from the headers first, the upload PUT checks its signed query
//! first, and only then is a body read. A `Content-Length` over the limit is refused before a
//! byte is read; a chunked body is read until it passes the limit. `JsonBody` is the extractor
//! every `/v1` handler with a JSON body uses.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::rpc::{payload_too_large, Status};

/// Largest `/v1` JSON body. The same 2 MiB axum applied by default before it was explicit: the
/// largest graphs Easel sends are a few hundred kB, and a bound here also bounds what an
/// unknown caller of the RSA scheme can make the emulator hold before its signature is checked.
pub const MAX_JSON_BODY: usize = 2 * 1024 * 1024;
/// Largest accepted upload (OSS itself allows far more; Easel uploads a few MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// It is (or says it is) larger than the limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The connection failed while it was read.
    Unreadable(String),
}

/// The whole body, if it fits in `limit` bytes.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let declared = body.size_hint().lower();
    if declared > limit as u64 {
        return Err(BodyError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Unreadable(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(bytes))
}

/// A `/v1` request body, read within `MAX_JSON_BODY`. Oversized: HTTP 413; unreadable: code 3.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        match read_limited(request.into_body(), MAX_JSON_BODY).await {
            Ok(bytes) => Ok(JsonBody(bytes)),
            Err(error) => Err(json_refusal(error)),
        }
    }
}

/// The reply to a `/v1` body that could not be read.
pub fn json_refusal(error: BodyError) -> Response {
    match error {
        BodyError::TooLarge { limit } => payload_too_large(limit),
        BodyError::Unreadable(reason) => {
            Status::bad_body(format!("the body could not be read: {reason}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(chunks: usize, size: usize) -> Body {
        let stream = futures_util::stream::iter((0..chunks).map(move |_| Ok::<_, std::io::Error>(vec![b'x'; size])));
        Body::from_stream(stream)
    }

    #[tokio::test]
    async fn declared_and_streamed_sizes_are_held_to_the_limit() {
        assert_eq!(read_limited(Body::from(vec![1u8; 10]), 10).await.unwrap().len(), 10);
        assert_eq!(read_limited(Body::from(vec![1u8; 11]), 10).await, Err(BodyError::TooLarge { limit: 10 }));
        // A stream has no declared size: it is read until it passes the limit.
        assert_eq!(read_limited(chunked(3, 4), 12).await.unwrap().len(), 12);
        assert_eq!(read_limited(chunked(4, 4), 12).await, Err(BodyError::TooLarge { limit: 12 }));
        let failing = Body::from_stream(futures_util::stream::once(async {
            Err::<Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone"))
        }));
        assert!(matches!(read_limited(failing, 12).await, Err(BodyError::Unreadable(_))));
    }
}
