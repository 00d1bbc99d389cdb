//! A client for the Tensor.Art TAMS HTTP API: typed requests and responses for every endpoint of
//! the reference (raw workflows, templates, stages jobs, polling and cancel, uploads, models),
//! read tolerantly (every field optional, 64-bit ids as strings or numbers, unknown enum values
//! kept); Bearer and `TAMS-SHA256-RSA` auth; one request budget shared by every caller; retries
//! with backoff that reuse the requestId and the body bytes; rpc Status errors decoded into typed
//! errors. It knows nothing of runs, files on disk beyond one download, or the UI.

mod auth;
mod budget;
mod client;
mod download;
mod endpoint;
mod error;
mod job;
mod model;
mod number;
mod resource;
mod secret;
mod server_text;
mod shared;
mod stages;
mod template;
mod workflow;

pub use auth::{Auth, RSA_SCHEME};
pub use budget::{budget_folder, Budget, TAMS_REQUESTS_PER_WINDOW, TAMS_WINDOW};
pub use client::{refused_certificate, Client, ClientConfig, MAX_REPLY_BYTES, RATE_LIMIT_PATIENCE};
pub use download::MAX_DOWNLOAD_BYTES;
pub use endpoint::{check_endpoint, endpoint_label, is_loopback, CLEARTEXT_RULE};
pub use error::{ArgumentError, TamsError};
pub use job::{
    FailedCode, FailedInfo, Job, JobStatus, NodeItem, NodeStatus, OutputImage, OutputUi, Resource, ResourceMeta,
    RunningInfo, SuccessInfo, WaitingInfo, WorkflowFinishItem,
};
pub use model::{Model, ModelType};
pub use resource::{ResourceId, StsCredential, UploadRequest, UploadSlot};
pub use secret::{Sensitive, Wipe};
pub use server_text::{clean as clean_server_text, MAX_SERVER_TEXT_CHARS, REDACTED};
pub use template::{FieldAttr, Template};
pub use workflow::CreditCheck;
