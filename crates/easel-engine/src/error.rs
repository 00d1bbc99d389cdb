//! The engine's one error type, with the stable `code()` the UI and CLI branch on.

use std::path::Path;

use easel_tams::TamsError;
use easel_workflow::WorkflowError;

/// Everything a run can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    /// The workflow is invalid; nothing was sent.
    #[error("{0}")]
    Workflow(#[from] WorkflowError),
    /// The service refused or failed.
    #[error("{0}")]
    Tams(#[from] TamsError),
    /// The library database failed.
    #[error("library database: {0}")]
    Store(String),
    /// A file in the library could not be written or read.
    #[error("{path}: {reason}")]
    File {
        /// The file concerned.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A downloaded image is not what the job promised.
    #[error("downloaded image from node {node_id} is invalid: {reason}")]
    BadImage {
        /// The output node.
        node_id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The service reported the job as failed.
    #[error("the job failed on the service: {0}")]
    JobFailed(String),
    /// A model id that is not a uint64 number.
    #[error("\"{0}\" is not a model id (a long number)")]
    BadModelId(String),
    /// No run with this id was recorded in this library.
    #[error("no run {0} is recorded in this library")]
    UnknownRun(String),
}

impl EngineError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Workflow(_) => "invalidWorkflow",
            EngineError::Tams(e) => e.code(),
            EngineError::Store(_) | EngineError::File { .. } => "storage",
            EngineError::BadImage { .. } => "badImage",
            EngineError::JobFailed(_) => "jobFailed",
            EngineError::UnknownRun(_) => "notFound",
            EngineError::BadModelId(_) => "invalidInput",
        }
    }

    pub(crate) fn store(path: &Path, e: rusqlite::Error) -> EngineError {
        EngineError::Store(format!("{}: {e}", path.display()))
    }

    pub(crate) fn sql(e: rusqlite::Error) -> EngineError {
        EngineError::Store(e.to_string())
    }

    pub(crate) fn file(path: &Path, e: impl std::fmt::Display) -> EngineError {
        EngineError::File { path: path.display().to_string(), reason: e.to_string() }
    }
}
