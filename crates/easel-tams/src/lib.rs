//! A client for the Tensor.Art TAMS HTTP API: typed requests and responses that tolerate the
//! service's loose JSON (every field optional, 64-bit ids as strings or numbers, unknown enum
//! values kept), Bearer auth, one request budget shared by every caller, retries with backoff
//! that reuse the requestId, and rpc Status errors decoded into typed errors. It knows nothing of
//! runs, files or the UI; RSA signing, templates, uploads and models are added as they are used.

mod budget;
mod client;
mod error;
mod job;
mod number;
mod secret;

pub use budget::Budget;
pub use client::{Auth, Client, ClientConfig};
pub use error::{ArgumentError, TamsError};
pub use job::{
    FailedCode, FailedInfo, Job, JobStatus, NodeItem, NodeStatus, OutputImage, OutputUi, Resource, ResourceMeta,
    RunningInfo, SuccessInfo, WaitingInfo, WorkflowFinishItem,
};
pub use secret::Sensitive;
