//! The job object of `GET /v1/jobs/{id}` and of the create responses, read tolerantly: every
//! field optional, ids as strings whatever their wire form, unknown enum values kept as `Other`
//! rather than failing the whole response. Only reading is modelled; the client never sends a job.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::number;

/// A job as the service reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Job {
    /// The job id (uint64, kept as a string).
    #[serde(deserialize_with = "number::id")]
    pub id: Option<String>,
    /// Lifecycle state.
    pub status: JobStatus,
    /// Credits charged (or estimated so far).
    #[serde(deserialize_with = "number::float")]
    pub credits: Option<f64>,
    /// Present while WAITING.
    pub waiting_info: Option<WaitingInfo>,
    /// Present while RUNNING.
    pub running_info: Option<RunningInfo>,
    /// Present once SUCCESS.
    pub success_info: Option<SuccessInfo>,
    /// Present once FAILED.
    pub failed_info: Option<FailedInfo>,
}

/// The job's lifecycle state. `Other` keeps values this client does not know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    /// Unset.
    #[default]
    Default,
    /// Just created.
    Created,
    /// Accepted, not yet queued.
    Pending,
    /// In the service's queue.
    Waiting,
    /// Executing.
    Running,
    /// Finished with results.
    Success,
    /// Finished without results.
    Failed,
    /// Canceled (one L, as the service spells it).
    Canceled,
    /// A value this client does not know.
    #[serde(other)]
    Other,
}

impl JobStatus {
    /// True for SUCCESS, FAILED and CANCELED: polling can stop.
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobStatus::Success | JobStatus::Failed | JobStatus::Canceled)
    }
}

/// Queue position while WAITING.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WaitingInfo {
    /// 1-based rank in the queue.
    #[serde(deserialize_with = "number::int")]
    pub queue_rank: Option<i64>,
    /// Queue length.
    #[serde(deserialize_with = "number::int")]
    pub queue_len: Option<i64>,
}

/// Progress while RUNNING.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RunningInfo {
    /// Per-node progress of a workflow job.
    pub workflow_finish_item: Option<WorkflowFinishItem>,
}

/// Results once SUCCESS.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SuccessInfo {
    /// Result images with signed, expiring URLs.
    pub images: Vec<Resource>,
    /// The final per-node state, which may be the only place results appear.
    pub workflow_finish_item: Option<WorkflowFinishItem>,
}

/// Why a job failed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FailedInfo {
    /// Service's explanation.
    pub reason: Option<String>,
    /// Whether a retry may help.
    pub code: FailedCode,
}

/// Failure class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailedCode {
    /// Unset.
    #[default]
    Default,
    /// A retry may succeed.
    TransitoryError,
    /// A retry will fail again.
    FatalError,
    /// A value this client does not know.
    #[serde(other)]
    Other,
}

/// A result file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Resource {
    /// Resource id.
    #[serde(deserialize_with = "number::id")]
    pub id: Option<String>,
    /// Signed download URL.
    pub url: Option<String>,
    /// Image format and size.
    pub meta: Option<ResourceMeta>,
}

/// Metadata of a result file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceMeta {
    /// Present for images.
    pub image: Option<ImageMeta>,
}

/// Format and size of a result image.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ImageMeta {
    /// e.g. `png`.
    pub format: Option<String>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
}

/// Per-node progress of a workflow job.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkflowFinishItem {
    /// State of the workflow as a whole (may be SUCCESS before the job is).
    pub status: NodeStatus,
    /// Nodes by id.
    pub nodes: BTreeMap<String, NodeItem>,
    /// Ids of finished nodes.
    pub finished_nodes: BTreeMap<String, bool>,
}

/// One node's state.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeItem {
    /// State.
    pub status: NodeStatus,
    /// Progress, 0..=1 (absent means 0).
    #[serde(deserialize_with = "number::float")]
    pub process: Option<f64>,
    /// Output images, for output nodes.
    pub output_ui: Option<OutputUi>,
}

/// State of a node (and of the workflow as a whole).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeStatus {
    /// Unset.
    #[default]
    Default,
    /// Not started.
    Init,
    /// Executing.
    Running,
    /// Done.
    Success,
    /// Failed.
    Failed,
    /// A value this client does not know.
    #[serde(other)]
    Other,
}

/// Output of an output node.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputUi {
    /// Images produced so far.
    pub images: Vec<OutputImage>,
}

/// One image in a node's `outputUi`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputImage {
    /// Despite its name, a full signed URL.
    pub filename: Option<String>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// e.g. `png`.
    pub format: Option<String>,
    /// The resource id of the image.
    #[serde(deserialize_with = "number::id")]
    pub image_resource_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_reference_running_response() {
        let text = r#"{"id":"683082404926062625","status":"RUNNING","credits":2.4,"runningInfo":{"workflowFinishItem":{"status":"SUCCESS","nodes":{"9":{"id":"9","status":"SUCCESS","outputUi":{"images":[{"filename":"http://x/a.png?Expires=1","type":"output","height":1536,"width":1024,"format":"png","imageResourceId":"94e1"}]}},"3":{"id":"3","status":"SUCCESS","process":1}}}}}"#;
        let job: Job = serde_json::from_str(text).unwrap();
        assert_eq!(job.id.as_deref(), Some("683082404926062625"));
        assert_eq!(job.status, JobStatus::Running);
        let item = job.running_info.unwrap().workflow_finish_item.unwrap();
        assert_eq!(item.status, NodeStatus::Success);
        assert_eq!(item.nodes["3"].process, Some(1.0));
        assert_eq!(item.nodes["9"].output_ui.as_ref().unwrap().images[0].height, Some(1536));
    }

    #[test]
    fn tolerates_unknown_values_and_numeric_ids() {
        let job: Job =
            serde_json::from_str(r#"{"id":12,"status":"PAUSED","waitingInfo":{"queueRank":"3","queueLen":9},"x":1}"#)
                .unwrap();
        assert_eq!(job.id.as_deref(), Some("12"));
        assert_eq!(job.status, JobStatus::Other);
        assert_eq!(job.waiting_info.unwrap().queue_rank, Some(3));
    }
}
