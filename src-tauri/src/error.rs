//! The one error shape the UI receives from any command: `{code, message}`. The UI branches on
//! `code`; `message` is for people and never contains the API key.

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
}

impl AppError {
    /// An error with `code` and a message for people.
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError { code: code.into(), message: message.into() }
    }
}

impl From<easel_engine::EngineError> for AppError {
    fn from(e: easel_engine::EngineError) -> Self {
        AppError::new(e.code(), e.to_string())
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
