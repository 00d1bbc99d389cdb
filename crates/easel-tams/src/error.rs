//! The client's one error type. Non-2xx bodies are decoded as google.rpc.Status when they parse
//! (keeping `tams_api.ArgumentError` details) and classified so callers can branch: auth,
//! credits, invalid workflow, rate limited, not found, server, network, a failed write.
//! `code()` gives the stable string the UI branches on. Messages never include credentials: server text is cleaned
//! and the key redacted where a reply becomes an error (`server_text`).

use easel_error::ErrorCode;
use serde::Deserialize;

use crate::server_text::clean;

/// One `tams_api.ArgumentError` detail: which part of the request is wrong and why.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ArgumentError {
    /// e.g. `workflow`.
    pub field: String,
    /// e.g. `node id: 25\nclass type: LoadImage\nimage: 字段必填\n`.
    pub message: String,
}

/// How much of a body that is not a `google.rpc.Status` becomes the message (an HTML error
/// page from a proxy says what it is in its first lines).
const RAW_BODY_CHARS: usize = 300;

/// The most `ArgumentError` details kept from one reply (a graph names one per bad input; a
/// reply listing thousands would only flood the terminal).
const MAX_DETAILS: usize = 32;

/// Everything a TAMS call can fail with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TamsError {
    /// 401: the key or signature was refused.
    #[error("the service refused the credentials (HTTP 401): {0}")]
    Auth(String),
    /// The credentials could not be used at all (an unreadable RSA key, a key that cannot go
    /// in a header); nothing was sent. The message never contains the key.
    #[error("the credentials cannot be used: {0}")]
    InvalidKey(String),
    /// The account cannot pay for the job.
    #[error("not enough credits: {0}")]
    InsufficientCredits(String),
    /// Code 3 (or 2 for templates): the request's workflow or fields are wrong.
    #[error("the service rejected the workflow: {message}{}", details.iter().map(|d| format!("\n{}", d.message.trim_end())).collect::<String>())]
    InvalidWorkflow {
        /// The Status message.
        message: String,
        /// Per-node details.
        details: Vec<ArgumentError>,
    },
    /// 429 after every retry.
    #[error("rate limited by the service (HTTP 429) after {attempts} attempts")]
    RateLimited {
        /// How many attempts were made.
        attempts: u32,
    },
    /// 404: no such job, template or model.
    #[error("not found: {0}")]
    NotFound(String),
    /// 403 on a signed URL: it expired or was altered.
    #[error("the download link expired or was refused (HTTP 403)")]
    UrlExpired,
    /// Any other non-2xx answer.
    #[error("the service failed (HTTP {status}, code {code}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// gRPC code, 0 when the body was not a Status.
        code: i32,
        /// Status message or raw body text.
        message: String,
    },
    /// The request never got an HTTP answer (refused, reset, timed out).
    #[error("network error talking to {host}: {reason}")]
    Network {
        /// Host of the request.
        host: String,
        /// What went wrong.
        reason: String,
    },
    /// The server's TLS certificate was refused (unknown issuer, expired, made for another
    /// name): the connection ended in its handshake, so nothing, the key included, was sent.
    /// Never retried: the same certificate is refused again.
    #[error("the connection to {host} is not trusted, its TLS certificate was refused: {reason}")]
    Untrusted {
        /// Host of the request.
        host: String,
        /// What the TLS library found wrong with the certificate.
        reason: String,
    },
    /// A downloaded result could not be written to the caller's file (a full disk, a file
    /// that went away): the server did its part, so this is the machine's, never retried here.
    #[error("the result from {host} could not be written to disk: {reason}")]
    Write {
        /// Host of the download.
        host: String,
        /// What the file system said.
        reason: String,
    },
    /// A 2xx body that is not the JSON expected.
    #[error("unexpected response from the service: {0}")]
    Decode(String),
    /// A reply or a download larger than Easel accepts (`MAX_REPLY_BYTES`, `MAX_DOWNLOAD_BYTES`).
    #[error("{what} from {host} is larger than the {limit_mb} MB Easel accepts; it was not read")]
    TooLarge {
        /// What was being read.
        what: String,
        /// Who sent it.
        host: String,
        /// The limit, in MB.
        limit_mb: u64,
    },
}

impl TamsError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            TamsError::Auth(_) | TamsError::InvalidKey(_) => ErrorCode::Auth,
            TamsError::InsufficientCredits(_) => ErrorCode::Credits,
            TamsError::InvalidWorkflow { .. } => ErrorCode::InvalidWorkflow,
            TamsError::RateLimited { .. } => ErrorCode::RateLimited,
            TamsError::NotFound(_) => ErrorCode::NotFound,
            TamsError::UrlExpired => ErrorCode::UrlExpired,
            TamsError::Server { .. } => ErrorCode::Server,
            TamsError::Network { .. } | TamsError::Untrusted { .. } => ErrorCode::Network,
            TamsError::Decode(_) | TamsError::TooLarge { .. } => ErrorCode::Server,
            TamsError::Write { .. } => ErrorCode::Io,
        }
    }

    /// True when the same request may succeed if sent again (429, 5xx, network).
    pub fn is_retryable(&self) -> bool {
        match self {
            TamsError::RateLimited { .. } | TamsError::Network { .. } => true,
            TamsError::Server { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// Classifies a non-2xx answer from its status and body. Every message and detail it keeps
    /// is server text, cleaned here once (`server_text::clean`, with `key` redacted), so no
    /// consumer (terminal, journal, window) ever sees raw control characters or the key.
    pub(crate) fn from_response(status: u16, body: &str, key: Option<&str>) -> TamsError {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Status {
            code: i32,
            message: String,
            details: Vec<ArgumentError>,
        }
        let parsed: Option<Status> = serde_json::from_str(body).ok();
        let (code, message, details) = match parsed {
            Some(s) => (s.code, s.message, s.details),
            None => (0, body.chars().take(RAW_BODY_CHARS).collect(), Vec::new()),
        };
        let message = clean(&message, key);
        let details: Vec<ArgumentError> = details
            .into_iter()
            .take(MAX_DETAILS)
            .map(|d| ArgumentError { field: clean(&d.field, key), message: clean(&d.message, key) })
            .collect();
        // The real code and message for an empty balance are unknown (reference section 9), so
        // the wording decides: "credit"/"balance", or 余额 (balance) / 积分不足 (points short).
        let mentions_credit = |text: &str| {
            let lower = text.to_ascii_lowercase();
            lower.contains("credit") || lower.contains("balance") || text.contains("余额") || text.contains("积分不足")
        };
        // Only a refusal (4xx) can mean "not enough credits": a 5xx that mentions a balance is a
        // load balancer or another outage, and stays retryable.
        let refusal = status < 500;
        if refusal && (mentions_credit(&message) || details.iter().any(|d| mentions_credit(&d.message))) {
            return TamsError::InsufficientCredits(message);
        }
        match (status, code) {
            (401, _) | (_, 16) => TamsError::Auth(message),
            (429, _) | (_, 8) => TamsError::Server { status: 429, code, message },
            (404, _) | (_, 5) => TamsError::NotFound(message),
            (_, 3) | (_, 2) if status < 500 || !details.is_empty() || message.contains("can't find") => {
                TamsError::InvalidWorkflow { message, details }
            }
            _ => TamsError::Server { status, code, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_argument_errors() {
        let body = r#"{"code":3,"message":"Params Valid","details":[{"@type":"type.googleapis.com/tams_api.ArgumentError","field":"workflow","message":"node id: 25\nclass type: LoadImage\nimage: 字段必填\n"}]}"#;
        let err = TamsError::from_response(400, body, None);
        assert_eq!(err.code(), ErrorCode::InvalidWorkflow);
        assert_eq!(
            err.to_string(),
            "the service rejected the workflow: Params Valid\nnode id: 25 class type: LoadImage image: 字段必填"
        );
    }

    #[test]
    fn classifies_by_status_and_code() {
        assert_eq!(TamsError::from_response(401, "", None).code(), ErrorCode::Auth);
        assert!(TamsError::from_response(429, r#"{"code":8,"message":"slow down"}"#, None).is_retryable());
        assert!(TamsError::from_response(503, "upstream down", None).is_retryable());
        assert_eq!(
            TamsError::from_response(404, r#"{"code":5,"message":"job not found"}"#, None).code(),
            ErrorCode::NotFound
        );
        let missing = TamsError::from_response(
            500,
            r#"{"code":2,"message":"can't find [nodeId:fieldName] 25:image in fields parameter"}"#,
            None,
        );
        assert_eq!(missing.code(), easel_error::ErrorCode::InvalidWorkflow);
        assert!(!missing.is_retryable());
        let lost = TamsError::Network { host: "h".into(), reason: "connection reset".into() };
        let untrusted = TamsError::Untrusted { host: "h".into(), reason: "UnknownIssuer".into() };
        assert_eq!((lost.code(), lost.is_retryable()), (ErrorCode::Network, true));
        assert_eq!((untrusted.code(), untrusted.is_retryable()), (ErrorCode::Network, false));
        let full = TamsError::Write { host: "h".into(), reason: "No space left on device".into() };
        assert_eq!((full.code(), full.is_retryable()), (ErrorCode::Io, false));
    }

    #[test]
    fn credit_shortfalls_are_recognised_by_their_wording() {
        for body in [
            r#"{"code":9,"message":"insufficient credits"}"#,
            r#"{"code":3,"message":"Params Valid","details":[{"field":"account","message":"余额不足"}]}"#,
            r#"{"code":7,"message":"Insufficient balance"}"#,
        ] {
            let err = TamsError::from_response(400, body, None);
            assert_eq!((err.code(), err.is_retryable()), (ErrorCode::Credits, false), "{body}");
        }
        assert_eq!(TamsError::InvalidKey("unreadable".into()).code(), ErrorCode::Auth);
        let outage = TamsError::from_response(503, "upstream load balancer has no healthy backend", None);
        assert_eq!(
            (outage.code(), outage.is_retryable()),
            (ErrorCode::Server, true),
            "a 5xx is never a credit shortfall"
        );
    }
}
