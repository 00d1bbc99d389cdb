//! The one error shape the UI receives from any command: `{code, message, details?}`. The UI
//! branches on `code` and reads locations and amounts from `details`, never from `message`,
//! which is for people and never contains the API key.

use serde::Serialize;
use ts_rs::TS;

/// A command's failure as the UI sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    /// Stable code: `invalidWorkflow`, `auth`, `credits`, `network`, `server`, `storage`,
    /// `invalidSettings`, `noKey`, `keychain`, `busy`, `notFound`, `io`...
    pub code: String,
    /// Plain-language explanation.
    pub message: String,
    /// Where the error is and the numbers it is about, when it has them (boxed: most errors
    /// have none, and `Result<_, AppError>` stays small).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details: Option<Box<ErrorDetails>>,
}

/// The data part of an error, for the UI to act on.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErrorDetails {
    /// The node the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub node_id: Option<String>,
    /// The input of that node.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub input: Option<String>,
    /// `needsConfirmation`: credits of the whole batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credits: Option<f64>,
    /// `needsConfirmation`: the threshold it is above.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub threshold: Option<f64>,
}

impl AppError {
    /// An error with `code` and a message for people.
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError { code: code.into(), message: message.into(), details: None }
    }
}

impl From<easel_engine::EngineError> for AppError {
    fn from(e: easel_engine::EngineError) -> Self {
        let details = e.location().map(|(node, input)| {
            Box::new(ErrorDetails {
                node_id: Some(node.to_string()),
                input: input.map(str::to_string),
                ..ErrorDetails::default()
            })
        });
        AppError { code: e.code().into(), message: e.to_string(), details }
    }
}

impl From<easel_workflow::WorkflowError> for AppError {
    fn from(e: easel_workflow::WorkflowError) -> Self {
        AppError::new("invalidWorkflow", e.to_string())
    }
}

impl From<easel_library::LibraryError> for AppError {
    fn from(e: easel_library::LibraryError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<easel_settings::SettingsError> for AppError {
    fn from(e: easel_settings::SettingsError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<easel_keychain::KeychainError> for AppError {
    fn from(e: easel_keychain::KeychainError) -> Self {
        AppError::new("keychain", e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}
