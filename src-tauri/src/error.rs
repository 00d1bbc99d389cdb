//! The one error shape the UI receives from any command: `{code, message, details?}`. The UI
//! branches on `code` and reads locations and amounts from `details`, never from `message`,
//! which is for people and never contains the API key.

use easel_error::ErrorCode;
use serde::Serialize;
use ts_rs::TS;

/// A command's failure as the UI sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    /// What kind of failure: the one vocabulary of every crate (`easel_error::ErrorCode`).
    pub code: ErrorCode,
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
    /// `invalidSettings`: the setting, by its name in `Settings` (`customUrl`, `concurrency`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
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
    /// `spendCap`: credits spent in the cap's period so far (unfinished runs' estimates included).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub spent: Option<f64>,
    /// `spendCap`: the cap the batch would pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cap: Option<f64>,
    /// `spendCap`: which cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub period: Option<easel_engine::CapPeriod>,
}

impl AppError {
    /// An error with `code` and a message for people.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError { code, message: message.into(), details: None }
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
        AppError { code: e.code(), message: e.to_string(), details }
    }
}

impl From<easel_workflow::WorkflowError> for AppError {
    fn from(e: easel_workflow::WorkflowError) -> Self {
        AppError::new(ErrorCode::InvalidWorkflow, e.to_string())
    }
}

impl From<easel_library::LibraryError> for AppError {
    fn from(e: easel_library::LibraryError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<easel_settings::SettingsError> for AppError {
    fn from(e: easel_settings::SettingsError) -> Self {
        let mut error = AppError::new(e.code(), e.to_string());
        if let easel_settings::SettingsError::Invalid { field, reason } = &e {
            // The window shows the reason beside the field; the message stays whole for logs.
            error.message = reason.clone();
            error.details = Some(Box::new(ErrorDetails { field: Some(field.to_string()), ..ErrorDetails::default() }));
        }
        error
    }
}

impl From<easel_keychain::KeychainError> for AppError {
    fn from(e: easel_keychain::KeychainError) -> Self {
        AppError::new(ErrorCode::Keychain, e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}
