//! Turns successive job snapshots into the changes between them: one `JobChange` per node whose
//! state or progress moved, a `Waiting` when the queue position moved, and the list of result
//! images seen so far. Pure and synchronous, so every protocol quirk (a workflow reported SUCCESS
//! while the job still RUNNING, results only inside `workflowFinishItem`) is tested without I/O.

use std::collections::{HashMap, HashSet};

use easel_tams::{Job, JobStatus, NodeStatus, WorkflowFinishItem};

use crate::{JobChange, NodeState};

/// A result image announced by the service, not yet necessarily downloaded.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageOffer {
    /// Stable key within the job: resource id, else the URL path.
    pub resource: String,
    /// The output node, or empty when only `successInfo` named it.
    pub node_id: String,
    /// Signed URL.
    pub url: String,
    /// Announced width, if any.
    pub width: Option<u32>,
    /// Announced height, if any.
    pub height: Option<u32>,
}

/// What the poller remembers between two snapshots of one job.
#[derive(Debug)]
pub struct Tracker {
    order: Vec<String>,
    nodes: HashMap<String, (NodeState, f64)>,
    queue: Option<(Option<u32>, Option<u32>)>,
    offered: HashSet<String>,
}

/// Progress below this step is not worth an event.
const PROGRESS_STEP: f64 = 0.01;

impl Tracker {
    /// A tracker for a graph whose nodes run in `order`.
    pub fn new(order: Vec<String>) -> Tracker {
        let nodes = order.iter().map(|id| (id.clone(), (NodeState::Waiting, 0.0))).collect();
        Tracker { order, nodes, queue: None, offered: HashSet::new() }
    }

    /// The changes since the last snapshot, and result images not offered before.
    pub fn update(&mut self, job: &Job) -> (Vec<JobChange>, Vec<ImageOffer>) {
        let mut changes = Vec::new();
        if job.status == JobStatus::Waiting {
            let info = job.waiting_info.clone().unwrap_or_default();
            let queue = (to_u32(info.queue_rank), to_u32(info.queue_len));
            if self.queue != Some(queue) {
                self.queue = Some(queue);
                changes.push(JobChange::Waiting { queue_rank: queue.0, queue_len: queue.1 });
            }
        }
        let item = finish_item(job);
        // Nodes the plan did not list (template runs know no graph) are learnt from the reports.
        for id in item.iter().flat_map(|i| i.nodes.keys()) {
            if !self.nodes.contains_key(id) {
                self.nodes.insert(id.clone(), (NodeState::Waiting, 0.0));
                self.order.push(id.clone());
            }
        }
        let mut updates: Vec<(String, NodeState, f64)> = Vec::new();
        for id in &self.order {
            let reported = item.and_then(|i| i.nodes.get(id));
            let finished = item.is_some_and(|i| i.finished_nodes.get(id) == Some(&true));
            let (state, progress) = match (reported.map(|n| n.status), finished, &job.status) {
                (_, _, JobStatus::Success) | (_, true, _) | (Some(NodeStatus::Success), _, _) => (NodeState::Done, 1.0),
                (Some(NodeStatus::Failed), _, _) => (NodeState::Failed, 0.0),
                (Some(NodeStatus::Running), _, _) => {
                    (NodeState::Running, reported.and_then(|n| n.process).map(normalise).unwrap_or(0.0))
                }
                _ => (NodeState::Waiting, 0.0),
            };
            let Some(previous) = self.nodes.get(id).copied() else { continue };
            if previous.0 != state || (progress - previous.1).abs() >= PROGRESS_STEP {
                updates.push((id.clone(), state, progress));
            }
        }
        for (id, state, progress) in updates {
            self.nodes.insert(id.clone(), (state, progress));
            changes.push(JobChange::Node { node_id: id, status: state, progress, overall: self.overall() });
        }
        (changes, self.new_offers(job))
    }

    /// The whole job's progress, 0..=1: the mean of the nodes' own progress.
    pub fn overall(&self) -> f64 {
        if self.nodes.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.nodes.values().map(|(s, p)| if *s == NodeState::Done { 1.0 } else { *p }).sum();
        sum / self.nodes.len() as f64
    }

    fn new_offers(&mut self, job: &Job) -> Vec<ImageOffer> {
        let mut offers = Vec::new();
        let items = [
            job.running_info.as_ref().and_then(|r| r.workflow_finish_item.as_ref()),
            job.success_info.as_ref().and_then(|s| s.workflow_finish_item.as_ref()),
        ];
        for item in items.into_iter().flatten() {
            for (node_id, node) in &item.nodes {
                for image in node.output_ui.iter().flat_map(|o| &o.images) {
                    let Some(url) = image.filename.clone() else { continue };
                    let resource = image.image_resource_id.clone().unwrap_or_else(|| url_path(&url));
                    offers.push(ImageOffer {
                        resource,
                        node_id: node_id.clone(),
                        url,
                        width: image.width,
                        height: image.height,
                    });
                }
            }
        }
        for image in job.success_info.iter().flat_map(|s| &s.images) {
            let Some(url) = image.url.clone() else { continue };
            let meta = image.meta.as_ref().and_then(|m| m.image.as_ref());
            offers.push(ImageOffer {
                resource: image.id.clone().unwrap_or_else(|| url_path(&url)),
                node_id: String::new(),
                width: meta.and_then(|m| m.width),
                height: meta.and_then(|m| m.height),
                url,
            });
        }
        // The same image may be announced by a node and by successInfo: known by either its
        // resource id or its URL path, it is offered once.
        offers.retain(|o| {
            let path = url_path(&o.url);
            let fresh = !self.offered.contains(&o.resource) && !self.offered.contains(&path);
            self.offered.insert(o.resource.clone());
            self.offered.insert(path);
            fresh
        });
        offers
    }
}

fn finish_item(job: &Job) -> Option<&WorkflowFinishItem> {
    job.success_info
        .as_ref()
        .and_then(|s| s.workflow_finish_item.as_ref())
        .or_else(|| job.running_info.as_ref().and_then(|r| r.workflow_finish_item.as_ref()))
}

/// The service's progress may be a fraction or a percentage; both become 0..=1.
fn normalise(p: f64) -> f64 {
    let p = if p > 1.0 { p / 100.0 } else { p };
    if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn to_u32(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

/// The URL without its query: stable across re-signing.
pub(crate) fn url_path(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(json: &str) -> Job {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn one_change_per_node_move_and_offers_once() {
        let mut t = Tracker::new(vec!["3".into(), "9".into()]);
        let (changes, offers) = t.update(&job(r#"{"status":"CREATED"}"#));
        assert!(changes.is_empty() && offers.is_empty());
        let running = r#"{"status":"RUNNING","runningInfo":{"workflowFinishItem":{"nodes":{"3":{"status":"RUNNING","process":0.5}}}}}"#;
        let (changes, _) = t.update(&job(running));
        assert_eq!(
            changes,
            [JobChange::Node { node_id: "3".into(), status: NodeState::Running, progress: 0.5, overall: 0.25 }]
        );
        assert!(t.update(&job(running)).0.is_empty(), "an unchanged snapshot emits nothing");
        let done = r#"{"status":"RUNNING","runningInfo":{"workflowFinishItem":{"status":"SUCCESS","nodes":{"3":{"status":"SUCCESS"},"9":{"status":"SUCCESS","outputUi":{"images":[{"filename":"http://h/a.png?Expires=1","width":8,"height":8,"imageResourceId":"r1"}]}}}}}}"#;
        let (changes, offers) = t.update(&job(done));
        assert_eq!(changes.len(), 2);
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0].node_id, "9");
        let success = r#"{"status":"SUCCESS","successInfo":{"images":[{"id":"r1","url":"http://h/a.png?Expires=2"}]}}"#;
        let (changes, offers) = t.update(&job(success));
        assert!(changes.is_empty() && offers.is_empty(), "{changes:?} {offers:?}");
    }

    #[test]
    fn queue_moves_and_percentages_are_normalised() {
        let mut t = Tracker::new(vec!["1".into()]);
        let (c, _) = t.update(&job(r#"{"status":"WAITING","waitingInfo":{"queueRank":"2","queueLen":"5"}}"#));
        assert_eq!(c, [JobChange::Waiting { queue_rank: Some(2), queue_len: Some(5) }]);
        let (c, _) = t.update(
            &job(r#"{"status":"RUNNING","runningInfo":{"workflowFinishItem":{"nodes":{"1":{"status":"RUNNING","process":40}}}}}"#),
        );
        assert_eq!(
            c,
            [JobChange::Node { node_id: "1".into(), status: NodeState::Running, progress: 0.4, overall: 0.4 }]
        );
    }
}
