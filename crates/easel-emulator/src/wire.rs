//! The job object as it goes on the wire (reference section 5): lowerCamelCase names, 64-bit
//! integers as strings, and every zero or empty field left out, as protojson does. These types
//! only serialise; what goes in them is decided by `timeline`.

use std::collections::BTreeMap;

use serde::Serialize;

/// `{"job": Job}`, the body of create and get.
#[derive(Debug, Serialize)]
pub struct JobReply {
    /// The job.
    pub job: JobView,
}

/// One job at one moment.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    /// uint64 as a decimal string.
    pub id: String,
    /// `CREATED`, `WAITING`, `RUNNING`, `SUCCESS`, `FAILED` or `CANCELED`.
    pub status: &'static str,
    /// Credits charged; left out while zero.
    #[serde(skip_serializing_if = "is_zero", serialize_with = "go_number")]
    pub credits: f64,
    /// Queue position, while `WAITING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_info: Option<WaitingInfo>,
    /// Why it failed, when `FAILED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_info: Option<FailedInfo>,
    /// Progress, while `RUNNING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_info: Option<RunningInfo>,
    /// Results, when `SUCCESS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_info: Option<SuccessInfo>,
}

/// `waitingInfo`: int64 fields as strings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingInfo {
    /// 1-based position in the queue.
    pub queue_rank: String,
    /// Length of the queue.
    pub queue_len: String,
}

/// `failedInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedInfo {
    /// Plain-language reason.
    pub reason: String,
    /// `TRANSITORY_ERROR` or `FATAL_ERROR`.
    pub code: &'static str,
}

/// `runningInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningInfo {
    /// Per-node progress of the graph.
    pub workflow_finish_item: WorkflowFinishItem,
}

/// `successInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessInfo {
    /// The result images.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Resource>,
    /// The graph's final per-node state (workflow jobs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_finish_item: Option<WorkflowFinishItem>,
}

/// `workflowFinishItem`: map keys sorted as Go's JSON encoder sorts them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowFinishItem {
    /// `INIT`, `RUNNING`, `SUCCESS` or `FAILED`.
    pub status: &'static str,
    /// Node id -> node state.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub nodes: BTreeMap<String, NodeItem>,
    /// Node id -> true, for nodes that finished.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub finished_nodes: BTreeMap<String, bool>,
}

/// One node's state.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeItem {
    /// The node id again.
    pub id: String,
    /// `INIT`, `RUNNING`, `SUCCESS` or `FAILED`.
    pub status: &'static str,
    /// Sampler progress 0..1; left out while zero and for nodes without steps.
    #[serde(skip_serializing_if = "is_zero", serialize_with = "go_number")]
    pub process: f64,
    /// Images of an output node that finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_ui: Option<OutputUi>,
}

/// `outputUi`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputUi {
    /// The node's images.
    pub images: Vec<OutputImage>,
}

/// One image in `outputUi.images`; `filename` is a full signed URL, as in the seed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputImage {
    /// Signed download URL.
    pub filename: String,
    /// Always `output`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Pixel height.
    pub height: u32,
    /// Pixel width.
    pub width: u32,
    /// Always `png`.
    pub format: &'static str,
    /// The image's resource id.
    pub image_resource_id: String,
}

/// A result in `successInfo.images`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// Resource id.
    pub id: String,
    /// Signed download URL.
    pub url: String,
    /// Seconds the URL stays valid, int64 as a string.
    pub expired_in: String,
    /// Image facts.
    pub meta: ResourceMeta,
}

/// `meta` of a resource.
#[derive(Debug, Serialize)]
pub struct ResourceMeta {
    /// Image facts.
    pub image: ImageMeta,
}

/// `meta.image`.
#[derive(Debug, Serialize)]
pub struct ImageMeta {
    /// Always `png`.
    pub format: &'static str,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

/// Doubles as Go's encoder writes them: whole numbers without `.0` (the seed shows `"process": 1`).
fn go_number<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}
