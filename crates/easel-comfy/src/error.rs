//! What can go wrong talking to a ComfyUI server, each mapped to one `ErrorCode`. Texts the
//! server wrote pass `easel_tams::clean_server_text` once, where the error is made, so a proxy's
//! reflected header or a terminal escape never reaches a log or the window.

use easel_error::ErrorCode;
use easel_workflow::Problem;

/// An error from a ComfyUI server or the way to it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ComfyError {
    /// The server URL cannot be used (bad syntax, or a credential over cleartext to another host).
    #[error("the ComfyUI address cannot be used: {0}")]
    Endpoint(String),
    /// The server could not be reached or the connection broke.
    #[error("{host}: {reason}")]
    Network { host: String, reason: String },
    /// The server's TLS certificate was refused: nothing was sent, and sending again cannot
    /// help, so unlike `Network` it is never waited out.
    #[error("the connection to {host} is not trusted, its TLS certificate was refused: {reason}")]
    Untrusted { host: String, reason: String },
    /// The server answered a route with an error status.
    #[error("{route} answered HTTP {status}{}", detail(.message))]
    Http { route: String, status: u16, message: String },
    /// The server refused the graph: every problem it named, located at its node and input.
    #[error("the ComfyUI server refused the workflow: {message}")]
    Rejected { message: String, problems: Vec<Problem> },
    /// A reply that does not have the shape the protocol gives it.
    #[error("{route}: unexpected reply: {why}")]
    BadReply { route: String, why: String },
    /// A reply or a file above its limit.
    #[error("{what} is larger than {limit_mb} MB")]
    TooLarge { what: String, limit_mb: u64 },
    /// Writing a downloaded file failed.
    #[error("writing {path}: {reason}")]
    Io { path: String, reason: String },
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl ComfyError {
    /// The code the window and the journal branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ComfyError::Endpoint(_) => ErrorCode::InvalidSettings,
            ComfyError::Network { .. } | ComfyError::Untrusted { .. } => ErrorCode::Network,
            ComfyError::Http { status: 401 | 403, .. } => ErrorCode::Auth,
            ComfyError::Http { status: 404, .. } => ErrorCode::NotFound,
            ComfyError::Http { .. } | ComfyError::BadReply { .. } => ErrorCode::Server,
            ComfyError::Rejected { .. } => ErrorCode::InvalidWorkflow,
            ComfyError::TooLarge { .. } => ErrorCode::Server,
            ComfyError::Io { .. } => ErrorCode::Io,
        }
    }
}
