//! The one error shape the UI receives from any command: `{code, message}`. The UI branches on
//! `code`; `message` is for people and never contains the API key.

use serde::Serialize;
use ts_rs::TS;

/// A command's failure as the UI sees it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppError {
    /// Stable code: `invalidWorkflow`, `auth`, `credits`, `network`, `server`, `storage`...
    pub code: String,
    /// Plain-language explanation.
    pub message: String,
}

impl From<easel_engine::EngineError> for AppError {
    fn from(e: easel_engine::EngineError) -> Self {
        AppError { code: e.code().to_string(), message: e.to_string() }
    }
}

impl From<easel_workflow::WorkflowError> for AppError {
    fn from(e: easel_workflow::WorkflowError) -> Self {
        AppError { code: "invalidWorkflow".into(), message: e.to_string() }
    }
}
