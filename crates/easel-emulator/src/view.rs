//! What a poll sees: turns a `Job` and the current tick into the wire `JobView`. Nodes move
//! INIT -> RUNNING -> SUCCESS in execution order, samplers report `process` step by step,
//! finished output nodes carry signed image URLs, and credits appear once the job runs.

use std::collections::BTreeMap;

use crate::job::{Job, JobKind};
use crate::sign::Signer;
use crate::timeline::Phase;
use crate::wire::{
    FailedInfo, ImageMeta, JobView, NodeItem, OutputImage, OutputUi, Resource, ResourceMeta, RunningInfo, SuccessInfo,
    WaitingInfo, WorkflowFinishItem,
};

/// How result URLs are made for one reply.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    /// Signs them.
    pub signer: &'a Signer,
    /// `http://127.0.0.1:PORT`.
    pub base: &'a str,
    /// Unix time they expire at.
    pub expires: u64,
    /// Their lifetime in seconds (for `expiredIn`).
    pub lifetime: u64,
}

impl Urls<'_> {
    /// The signed URL of image `index` of job `job_id`.
    pub fn image(&self, job_id: u64, index: usize) -> String {
        self.signer.url("GET", self.base, &image_path(job_id, index), self.expires)
    }
}

/// The path an image is served at (what the signature covers).
pub fn image_path(job_id: u64, index: usize) -> String {
    format!("/files/{job_id}/{index}.png")
}

/// The job as seen at `tick`.
pub fn job_view(job: &Job, tick: u64, urls: &Urls<'_>) -> JobView {
    let phase = job.schedule.phase_at(tick);
    let mut view = JobView {
        id: job.id.to_string(),
        status: "CREATED",
        credits: 0.0,
        waiting_info: None,
        failed_info: None,
        running_info: None,
        success_info: None,
    };
    if job.canceled_at().is_some_and(|c| c <= tick) {
        view.status = "CANCELED";
        return view;
    }
    match phase {
        Phase::Created => {}
        Phase::Waiting { rank, len } => {
            view.status = "WAITING";
            view.waiting_info = Some(WaitingInfo { queue_rank: rank.to_string(), queue_len: len.to_string() });
        }
        Phase::Running { current, done_steps } => {
            view.status = "RUNNING";
            view.credits = job.credits;
            view.running_info = (job.kind == JobKind::Workflow)
                .then(|| RunningInfo { workflow_finish_item: finish_item(job, current, done_steps, urls) });
        }
        Phase::Settling => {
            view.status = "RUNNING";
            view.credits = job.credits;
            view.running_info = (job.kind == JobKind::Workflow)
                .then(|| RunningInfo { workflow_finish_item: finish_item(job, job.schedule.slots.len(), 0, urls) });
        }
        Phase::Success => {
            view.status = "SUCCESS";
            view.credits = job.credits;
            let images = job
                .images
                .iter()
                .enumerate()
                .map(|(i, image)| Resource {
                    id: image.resource_id.clone(),
                    url: urls.image(job.id, i),
                    expired_in: urls.lifetime.to_string(),
                    meta: ResourceMeta {
                        image: ImageMeta { format: "png", width: image.picture.width, height: image.picture.height },
                    },
                })
                .collect();
            let item = (job.kind == JobKind::Workflow).then(|| finish_item(job, job.schedule.slots.len(), 0, urls));
            view.success_info = Some(SuccessInfo { images, workflow_finish_item: item });
        }
        Phase::Failed { at } => {
            view.status = "FAILED";
            let node_id = job.schedule.slots.get(at).map(|s| s.node_id.as_str()).unwrap_or("?");
            let class = job.workflow.nodes.get(node_id).map(|n| n.class_type.as_str()).unwrap_or("?");
            view.failed_info = Some(FailedInfo {
                reason: format!("node {node_id} ({class}) failed: the emulated GPU worker was lost (injected fault)"),
                code: "TRANSITORY_ERROR",
            });
        }
    }
    view
}

/// The workflow item with slots before `current` done and `current` at `done_steps`.
fn finish_item(job: &Job, current: usize, done_steps: u64, urls: &Urls<'_>) -> WorkflowFinishItem {
    let mut nodes = BTreeMap::new();
    let mut finished_nodes = BTreeMap::new();
    for (i, slot) in job.schedule.slots.iter().enumerate() {
        let (status, process) = match i.cmp(&current) {
            std::cmp::Ordering::Less => ("SUCCESS", if slot.steps.is_some() { 1.0 } else { 0.0 }),
            std::cmp::Ordering::Equal => ("RUNNING", slot.steps.map(|s| done_steps as f64 / s as f64).unwrap_or(0.0)),
            std::cmp::Ordering::Greater => ("INIT", 0.0),
        };
        let output_ui = (status == "SUCCESS").then(|| output_ui(job, &slot.node_id, urls)).flatten();
        if status == "SUCCESS" {
            finished_nodes.insert(slot.node_id.clone(), true);
        }
        nodes.insert(slot.node_id.clone(), NodeItem { id: slot.node_id.clone(), status, process, output_ui });
    }
    let status = if current >= job.schedule.slots.len() { "SUCCESS" } else { "RUNNING" };
    WorkflowFinishItem { status, nodes, finished_nodes }
}

/// The `outputUi` of `node_id`, if it is an output node.
fn output_ui(job: &Job, node_id: &str, urls: &Urls<'_>) -> Option<OutputUi> {
    let images: Vec<OutputImage> = job
        .images
        .iter()
        .enumerate()
        .filter(|(_, image)| image.node_id == node_id)
        .map(|(i, image)| OutputImage {
            filename: urls.image(job.id, i),
            kind: "output",
            height: image.picture.height,
            width: image.picture.width,
            format: "png",
            image_resource_id: image.resource_id.clone(),
        })
        .collect();
    (!images.is_empty()).then_some(OutputUi { images })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Fate;
    use easel_workflow::{Workflow, REFERENCE_WORKFLOW};
    use serde_json::{json, Value};

    fn reference_job() -> Job {
        let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
        let order = workflow.execution_order().unwrap();
        let checked = crate::validate::Checked { workflow, order, input_sizes: Default::default() };
        Job::new(683082404926062625, JobKind::Workflow, checked, Fate { queue: 0, fail_rate: 0.0, seed: 0, settle: 3 })
    }

    fn view_at(job: &Job, tick: u64) -> Value {
        let signer = Signer::new(b"s");
        let urls = Urls { signer: &signer, base: "http://h", expires: 1705318301, lifetime: 3600 };
        serde_json::to_value(job_view(job, tick, &urls)).unwrap()
    }

    #[test]
    fn settling_window_has_the_seed_example_shape() {
        let job = reference_job();
        // 1 tick CREATED, 9 one-tick nodes, 26 + 30 sampler steps: tick 66 is the settling window.
        let mut v = view_at(&job, 66);
        let images = &mut v["runningInfo"]["workflowFinishItem"]["nodes"]["9"]["outputUi"]["images"];
        assert!(images[0]["filename"].as_str().unwrap().starts_with(
            "http://h/files/683082404926062625/0.png?Expires=1705318301&OSSAccessKeyId=easel-emulator&Signature="
        ));
        images[0]["filename"] = json!("URL");
        images[0]["imageResourceId"] = json!("RID");
        let nodes = &v["runningInfo"]["workflowFinishItem"]["nodes"];
        let keys: Vec<&str> = nodes.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["10", "14", "16", "17", "18", "3", "4", "5", "6", "7", "9"], "sorted as Go sorts map keys");
        assert_eq!(nodes["16"].to_string(), r#"{"id":"16","status":"SUCCESS"}"#);
        assert_eq!(nodes["17"].to_string(), r#"{"id":"17","status":"SUCCESS","process":1}"#);
        assert_eq!(
            nodes["9"].to_string(),
            r#"{"id":"9","status":"SUCCESS","outputUi":{"images":[{"filename":"URL","type":"output","height":1536,"width":1024,"format":"png","imageResourceId":"RID"}]}}"#
        );
        let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(top, ["id", "status", "credits", "runningInfo"]);
        assert_eq!(
            (v["id"].clone(), v["status"].clone(), v["credits"].clone()),
            (json!("683082404926062625"), json!("RUNNING"), json!(2.4))
        );
        assert_eq!(v["runningInfo"]["workflowFinishItem"]["status"], "SUCCESS");
        assert_eq!(v["runningInfo"]["workflowFinishItem"]["finishedNodes"]["9"], true);
    }

    #[test]
    fn nodes_move_in_order_and_samplers_report_steps() {
        let job = reference_job();
        assert_eq!(view_at(&job, 0), json!({"id": "683082404926062625", "status": "CREATED"}));
        let order: Vec<&str> = job.schedule.slots.iter().map(|s| s.node_id.as_str()).collect();
        let three = order.iter().position(|id| *id == "3").unwrap() as u64;
        // Node "3" starts at tick 1 + (nodes before it) and advances one step per tick.
        let v = view_at(&job, 1 + three + 13);
        let nodes = &v["runningInfo"]["workflowFinishItem"]["nodes"];
        assert_eq!(nodes["3"], json!({"id": "3", "status": "RUNNING", "process": 0.5}));
        assert_eq!(nodes["4"]["status"], "SUCCESS");
        assert_eq!(nodes["9"], json!({"id": "9", "status": "INIT"}));
        assert_eq!(v["runningInfo"]["workflowFinishItem"]["status"], "RUNNING");
        assert!(v["runningInfo"]["workflowFinishItem"]["finishedNodes"].get("3").is_none());
        let done = view_at(&job, 1000);
        assert_eq!(done["status"], "SUCCESS");
        let top: Vec<&str> = done.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(top, ["id", "status", "credits", "successInfo"]);
        assert_eq!(
            done["successInfo"]["images"][0]["meta"],
            json!({"image": {"format": "png", "width": 1024, "height": 1536}})
        );
    }
}
