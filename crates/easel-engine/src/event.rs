//! The events a run emits: one `JobEvent` per observable change (status, queue position, a node's
//! state or progress, an image saved). The desktop app forwards them to the UI once per frame,
//! folded by `JobEvent::coalesce`, and the CLI prints them; neither polls. Deliberately flat and
//! serialisable, with no handles inside.

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

impl JobEvent {
    /// Adds `next` to `pending`, events not yet delivered, folding it into its run's last pending
    /// event when it only replaces it: the same node in the same state with newer progress, a
    /// newer preview of the same node, a newer queue position. A front door that delivers several
    /// events at once (the app, once per frame) so sends what a reader needs, no less: every state
    /// change, every saved image and every end are kept, each run's in its order (runs are
    /// independent, so a folded event may move ahead of other runs' events).
    pub fn coalesce(pending: &mut Vec<JobEvent>, next: JobEvent) {
        if let Some(last) = pending.iter_mut().rev().find(|e| e.run_id == next.run_id) {
            if last.change.replaced_by(&next.change) {
                *last = next;
                return;
            }
        }
        pending.push(next);
    }
}

impl JobChange {
    fn replaced_by(&self, next: &JobChange) -> bool {
        match (self, next) {
            (JobChange::Node { node_id: a, status: sa, .. }, JobChange::Node { node_id: b, status: sb, .. }) => {
                a == b && sa == sb
            }
            (JobChange::Preview { node_id: a, .. }, JobChange::Preview { node_id: b, .. }) => a == b,
            (JobChange::Waiting { .. }, JobChange::Waiting { .. }) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(run: &str, node_id: &str, status: NodeState, progress: f64) -> JobEvent {
        JobEvent {
            run_id: run.into(),
            change: JobChange::Node { node_id: node_id.into(), status, progress, overall: progress / 2.0 },
        }
    }

    #[test]
    fn progress_folds_into_its_runs_last_event_and_state_changes_stay() {
        let mut pending = Vec::new();
        for event in [
            node("a", "3", NodeState::Running, 0.1),
            node("a", "3", NodeState::Running, 0.2),
            node("a", "3", NodeState::Running, 0.3),
            node("b", "3", NodeState::Running, 0.5),
            node("a", "3", NodeState::Running, 0.4),
            node("a", "3", NodeState::Done, 1.0),
            node("a", "8", NodeState::Running, 0.0),
            JobEvent { run_id: "a".into(), change: JobChange::Waiting { queue_rank: Some(2), queue_len: Some(3) } },
            JobEvent { run_id: "a".into(), change: JobChange::Waiting { queue_rank: Some(1), queue_len: Some(3) } },
            JobEvent { run_id: "a".into(), change: JobChange::Canceled },
            JobEvent { run_id: "a".into(), change: JobChange::Canceled },
        ] {
            JobEvent::coalesce(&mut pending, event);
        }
        assert_eq!(
            pending,
            vec![
                // Another run's event in between does not stop the fold.
                node("a", "3", NodeState::Running, 0.4),
                node("b", "3", NodeState::Running, 0.5),
                node("a", "3", NodeState::Done, 1.0),
                node("a", "8", NodeState::Running, 0.0),
                JobEvent { run_id: "a".into(), change: JobChange::Waiting { queue_rank: Some(1), queue_len: Some(3) } },
                JobEvent { run_id: "a".into(), change: JobChange::Canceled },
                JobEvent { run_id: "a".into(), change: JobChange::Canceled },
            ]
        );
    }
}
