//! The one error vocabulary of Easel: `ErrorCode`, the stable code every crate's error maps to
//! (`code()`), that travels in `AppError.code` and `JobChange::Failed`, and that the window
//! branches on through a catalogue the compiler keeps exhaustive (`Record<ErrorCode, …>`). A
//! variant exists only because a consumer tells it apart from the others (GitButler's rule);
//! the message beside it is for people, and locations travel as data, never in the text; `causes`
//! gives that message the reasons under an error. What this leaves out: the error types
//! themselves, one per crate.

#![warn(missing_docs)]

use serde::{Deserialize, Serialize};
use ts_rs::TS;

mod causes;
pub use causes::{find_cause, with_causes};

/// What kind of failure it is, as the window and scripts branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorCode {
    /// The service refused the credentials (HTTP 401/403, a malformed key).
    Auth,
    /// The account has not enough credits.
    Credits,
    /// The service asked to slow down and the wait ran out.
    RateLimited,
    /// The workflow cannot be read or would be refused (structure, schema, limits).
    InvalidWorkflow,
    /// One input's value cannot be used (a path that may not be uploaded, a model id); located.
    InvalidInput,
    /// A model input names a file where the backend takes a model id, and no mapping is stored
    /// for it; located (node, input), with the file name.
    UnmappedModel,
    /// The batch costs more than agreed; `details` has the total and the threshold.
    NeedsConfirmation,
    /// The batch would take spend past the person's daily or monthly cap; nothing was sent.
    SpendCap,
    /// The server failed or answered something Easel cannot use.
    Server,
    /// The server could not be reached.
    Network,
    /// A signed upload or download URL expired.
    UrlExpired,
    /// The job ran and the service reported it failed.
    JobFailed,
    /// A run, image, favourite or job that is not (or no longer) there.
    NotFound,
    /// A picture that is not a readable PNG/JPEG/WebP, or is over a limit.
    BadImage,
    /// The run journal or the gallery index failed.
    Storage,
    /// A file could not be read, written or moved.
    Io,
    /// The library index names a path or hash Easel refuses to act on.
    UnsafePath,
    /// A setting is not valid; `details.field` names it.
    InvalidSettings,
    /// A favourite (or a favourites file) is not valid.
    InvalidFavourite,
    /// No API key is stored for the chosen service.
    NoKey,
    /// The OS keychain failed.
    Keychain,
    /// The action must wait: runs are still active.
    Busy,
    /// A desktop service (notifications, file manager, clipboard) did not answer.
    Desktop,
    /// Not built for this platform yet.
    Unsupported,
    /// The window runs outside the app (a plain browser): there is no backend to ask.
    NoHost,
    /// Anything else: a request the program itself got wrong.
    Unknown,
}

impl ErrorCode {
    /// The code as it travels (camelCase), for text output such as `easel --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Auth => "auth",
            ErrorCode::Credits => "credits",
            ErrorCode::RateLimited => "rateLimited",
            ErrorCode::InvalidWorkflow => "invalidWorkflow",
            ErrorCode::InvalidInput => "invalidInput",
            ErrorCode::UnmappedModel => "unmappedModel",
            ErrorCode::NeedsConfirmation => "needsConfirmation",
            ErrorCode::SpendCap => "spendCap",
            ErrorCode::Server => "server",
            ErrorCode::Network => "network",
            ErrorCode::UrlExpired => "urlExpired",
            ErrorCode::JobFailed => "jobFailed",
            ErrorCode::NotFound => "notFound",
            ErrorCode::BadImage => "badImage",
            ErrorCode::Storage => "storage",
            ErrorCode::Io => "io",
            ErrorCode::UnsafePath => "unsafePath",
            ErrorCode::InvalidSettings => "invalidSettings",
            ErrorCode::InvalidFavourite => "invalidFavourite",
            ErrorCode::NoKey => "noKey",
            ErrorCode::Keychain => "keychain",
            ErrorCode::Busy => "busy",
            ErrorCode::Desktop => "desktop",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::NoHost => "noHost",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_is_the_serialised_form() {
        for code in [
            ErrorCode::Auth,
            ErrorCode::Credits,
            ErrorCode::RateLimited,
            ErrorCode::InvalidWorkflow,
            ErrorCode::InvalidInput,
            ErrorCode::UnmappedModel,
            ErrorCode::NeedsConfirmation,
            ErrorCode::SpendCap,
            ErrorCode::Server,
            ErrorCode::Network,
            ErrorCode::UrlExpired,
            ErrorCode::JobFailed,
            ErrorCode::NotFound,
            ErrorCode::BadImage,
            ErrorCode::Storage,
            ErrorCode::Io,
            ErrorCode::UnsafePath,
            ErrorCode::InvalidSettings,
            ErrorCode::InvalidFavourite,
            ErrorCode::NoKey,
            ErrorCode::Keychain,
            ErrorCode::Busy,
            ErrorCode::Desktop,
            ErrorCode::Unsupported,
            ErrorCode::NoHost,
            ErrorCode::Unknown,
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }
}
