//! The engine's one error type, with the stable `code()` the UI and CLI branch on.

use easel_error::ErrorCode;
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
    /// A ComfyUI server's error (a refused graph carries its located problems).
    #[error("{0}")]
    Comfy(#[from] easel_comfy::ComfyError),
    /// What this backend cannot do (templates or credits on a ComfyUI server).
    #[error("{0}")]
    Unsupported(String),
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
    /// The service no longer knows a job this run created (it answered 404 when polled). The
    /// job is not created again automatically (that could be charged twice); the run can be
    /// started again as a new job.
    #[error(
        "the service no longer knows job {job_id} ({reason}); it was not sent again, since that could be charged twice: run the workflow again to start a new job"
    )]
    JobUnknown {
        /// The job id the service does not know.
        job_id: String,
        /// What the service said (cleaned server text).
        reason: String,
    },
    /// A model id that is not a uint64 number.
    #[error("\"{0}\" is not a model id (a long number)")]
    BadModelId(String),
    /// A model file name a mapping cannot take (empty, too long, or itself an id).
    #[error("\"{0}\" is not a model file name that can be mapped")]
    BadModelFile(String),
    /// The chosen model's type does not fit the input it was chosen for.
    #[error("model {model_id} ({name}) is a {model_type} model, which does not fit a {kind} input: choose a {kind}")]
    ModelMismatch {
        /// The model id.
        model_id: String,
        /// Its name, when known.
        name: String,
        /// Its Tensor.Art type.
        model_type: String,
        /// The family of the input (`checkpoint`, `lora`...).
        kind: String,
    },
    /// A model input holds a file name with no mapping (or a mapping that does not fit); nothing
    /// was sent.
    #[error("{0}")]
    UnmappedModel(Box<easel_workflow::Problem>),
    /// No run with this id was recorded in this library.
    #[error("no run {0} is recorded in this library")]
    UnknownRun(String),
    /// One input's value cannot be sent (a local file not picked, missing, or not a picture);
    /// nothing was sent.
    #[error("node {node_id} ({class_type}) input {input}: {message}")]
    Input {
        /// The node.
        node_id: String,
        /// Its class.
        class_type: String,
        /// The input (or template field).
        input: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The node schemas find an error in the graph; nothing was sent.
    #[error("{0}")]
    Invalid(Box<easel_workflow::Problem>),
    /// The batch would take spend past a cap and the front door did not agree; nothing was sent.
    #[error(
        "the batch is estimated at {} credits, which would take {} spend from {} past its cap of {} credits",
        .0.estimate, .0.period.as_str(), .0.spent, .0.cap
    )]
    OverSpendCap(crate::CapBreach),
    /// A spend cap that cannot be one (negative, not a number, or above `spend::MAX_CAP`).
    #[error("the {0} spend cap must be a number of credits from 0 to 1000000000")]
    BadCap(&'static str),
    /// A sweep that cannot run as defined (axes, values or size); nothing was sent.
    #[error("sweep: {0}")]
    BadSweep(String),
    /// The run has not finished, so its record cannot be removed yet.
    #[error("run {0} has not finished; cancel it before removing its record")]
    RunActive(String),
    /// The front door did not approve the batch's estimated cost; nothing was sent.
    #[error("the batch is estimated at {total} credits ({each} per run) and was not approved")]
    NotApproved {
        /// Credits of the whole batch.
        total: f64,
        /// Credits of one run.
        each: f64,
    },
}

impl EngineError {
    /// The stable code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::Workflow(_) => ErrorCode::InvalidWorkflow,
            EngineError::Tams(e) => e.code(),
            EngineError::Comfy(e) => e.code(),
            EngineError::Unsupported(_) => ErrorCode::Unsupported,
            EngineError::Store(_) | EngineError::File { .. } => ErrorCode::Storage,
            EngineError::BadImage { .. } => ErrorCode::BadImage,
            EngineError::JobFailed(_) => ErrorCode::JobFailed,
            EngineError::UnknownRun(_) | EngineError::JobUnknown { .. } => ErrorCode::NotFound,
            EngineError::BadModelId(_)
            | EngineError::BadModelFile(_)
            | EngineError::ModelMismatch { .. }
            | EngineError::Input { .. }
            | EngineError::BadSweep(_) => ErrorCode::InvalidInput,
            EngineError::UnmappedModel(_) => ErrorCode::UnmappedModel,
            EngineError::Invalid(_) => ErrorCode::InvalidWorkflow,
            EngineError::NotApproved { .. } => ErrorCode::NeedsConfirmation,
            EngineError::OverSpendCap(_) => ErrorCode::SpendCap,
            EngineError::BadCap(_) => ErrorCode::InvalidSettings,
            EngineError::RunActive(_) => ErrorCode::Busy,
        }
    }

    /// The node and input an error is about, when it is about one.
    pub fn location(&self) -> Option<(&str, Option<&str>)> {
        match self {
            EngineError::Input { node_id, input, .. } => Some((node_id, Some(input))),
            EngineError::Invalid(p) | EngineError::UnmappedModel(p) => {
                p.node_id.as_deref().map(|n| (n, p.input.as_deref()))
            }
            EngineError::Comfy(easel_comfy::ComfyError::Rejected { problems, .. }) => {
                problems.iter().find_map(|p| p.node_id.as_deref().map(|n| (n, p.input.as_deref())))
            }
            _ => None,
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
