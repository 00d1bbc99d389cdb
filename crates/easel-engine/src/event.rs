//! The events a run emits: one `JobEvent` per observable change (status, queue position, a node's
//! state or progress, an image saved). The desktop app forwards them to the UI unchanged and the
//! CLI prints them; neither polls. Deliberately flat and serialisable, with no handles inside.

use serde::Serialize;
use ts_rs::TS;

/// One change in one run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobEvent {
    /// The run this event belongs to (Easel's id, known before the service assigns a job id).
    pub run_id: String,
    /// What changed.
    pub change: JobChange,
}

/// What changed in a run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum JobChange {
    /// Accepted by Easel, recorded, not yet sent.
    Queued {
        /// Node ids in execution order, so a view can lay out and track them from the start.
        nodes: Vec<String>,
    },
    /// The service created the job.
    Submitted {
        /// The service's job id.
        job_id: String,
    },
    /// The job waits in the service's queue.
    Waiting {
        /// Position in the queue (1 = next), when reported.
        queue_rank: Option<u32>,
        /// Length of the queue, when reported.
        queue_len: Option<u32>,
    },
    /// One node changed state or progress.
    Node {
        /// The node's id.
        node_id: String,
        /// Its new state.
        status: NodeState,
        /// Its own progress, 0..=1.
        progress: f64,
        /// The whole job's progress, 0..=1.
        overall: f64,
    },
    /// A preview of a running node's picture (a ComfyUI server sends them while sampling).
    Preview {
        /// The node.
        node_id: String,
        /// The picture as a `data:` URL (JPEG or PNG, a few tens of KB).
        image: String,
    },
    /// An output image is verified and saved in the library.
    ImageSaved {
        /// The saved image.
        image: SavedImage,
    },
    /// The job finished and every image is saved.
    Succeeded {
        /// Credits charged, when reported.
        credits: Option<f64>,
        /// Number of images saved.
        images: u32,
    },
    /// The job ended without (all of) its images.
    Failed {
        /// What kind of failure, for the UI to branch on.
        code: easel_error::ErrorCode,
        /// Plain-language reason.
        message: String,
    },
    /// The job was canceled.
    Canceled,
    /// This run was the last cell of a sweep to end, and the sweep's grid is saved (sent after
    /// the run's own end).
    SweepGrid {
        /// The sweep.
        sweep_id: String,
        /// The grid picture (its `node_id` is empty).
        image: SavedImage,
    },
}

/// The state of one node, as a view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum NodeState {
    /// Not started.
    Waiting,
    /// Executing.
    Running,
    /// Finished.
    Done,
    /// Failed.
    Failed,
}

/// An image in the library.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedImage {
    /// Gallery id, used in `easel://localhost/image/<id>` URLs; `None` when the file is saved but
    /// the gallery index could not take it (a rescan will).
    pub id: Option<easel_library::ImageId>,
    /// Absolute path of the PNG file.
    pub path: String,
    /// The output node that produced it.
    pub node_id: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}
