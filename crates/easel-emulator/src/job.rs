//! A job as the emulator keeps it: the graph, when it was created, its `Schedule`, the images
//! it will produce (size, resource id, what to draw) and their PNG bytes once rendered. Built
//! once at creation from the checked workflow; what a poll sees is derived in `view`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use easel_workflow::{Input, Workflow};
use serde_json::Value;

use crate::pngs::Slot as PngSlot;
use crate::prng::{hash_parts, roll};
use crate::render::Picture;
use crate::timeline::{Schedule, Slot};
use crate::validate::Checked;

/// Steps assumed for a sampler whose step count cannot be read.
const DEFAULT_STEPS: u64 = 20;

/// One image a job produces.
#[derive(Debug, Clone)]
pub struct PlannedImage {
    /// The output node it belongs to.
    pub node_id: String,
    /// Resource id (uuid form), shared by `outputUi` and `successInfo`.
    pub resource_id: String,
    /// What to draw (size, colours key, caption, embedded graph).
    pub picture: Picture,
}

/// Which API created a job; it decides what progress the job reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Raw graph or template: reports `workflowFinishItem` node by node.
    Workflow,
    /// Classic stages job: reports status and results only.
    Stages,
}

/// A job and everything needed to answer for it.
#[derive(Debug)]
pub struct Job {
    /// The job id.
    pub id: u64,
    /// Which API created it.
    pub kind: JobKind,
    /// The graph it runs.
    pub workflow: Workflow,
    /// When it was created.
    pub created: Instant,
    /// Its fate.
    pub schedule: Schedule,
    /// Credits it costs when it succeeds.
    pub credits: f64,
    /// Its images, output nodes in file order, batch items in order.
    pub images: Vec<PlannedImage>,
    /// Tick at which it was canceled, if it was.
    pub canceled_at: Mutex<Option<u64>>,
    /// Rendered PNGs, filled on first download (and maybe dropped later; see `pngs`).
    pub pngs: Vec<Arc<PngSlot>>,
}

/// What decides a new job's fate besides its graph.
#[derive(Debug, Clone, Copy)]
pub struct Fate {
    /// Jobs ahead in the queue.
    pub queue: u32,
    /// Share of jobs that fail.
    pub fail_rate: f64,
    /// Fault seed.
    pub seed: u64,
    /// Ticks of the settling window.
    pub settle: u64,
}

impl Job {
    /// A job for a validated graph (ordered, with an output node, image inputs checked).
    pub fn new(id: u64, kind: JobKind, checked: Checked, fate: Fate) -> Job {
        let Checked { workflow, order, input_sizes } = checked;
        let slots: Vec<Slot> =
            order.into_iter().map(|node_id| Slot { steps: sampler_steps(&workflow, &node_id), node_id }).collect();
        let fail_at = (fate.fail_rate > 0.0 && roll(fate.seed, 1, id) < fate.fail_rate)
            .then(|| (roll(fate.seed, 2, id) * slots.len() as f64) as usize)
            .map(|i| i.min(slots.len().saturating_sub(1)));
        let planned = planning_graph(&workflow, &input_sizes);
        let credits = credits(&planned, &slots);
        let images = plan_images(id, &workflow, &planned);
        let pngs = images.iter().map(|_| Arc::default()).collect();
        Job {
            id,
            kind,
            workflow,
            created: Instant::now(),
            schedule: Schedule { queue: fate.queue, slots, fail_at, settle: fate.settle },
            credits,
            images,
            canceled_at: Mutex::new(None),
            pngs,
        }
    }

    /// The tick at which the job was canceled, if it was.
    pub fn canceled_at(&self) -> Option<u64> {
        self.canceled_at.lock().map(|c| *c).unwrap_or_else(|poisoned| *poisoned.into_inner())
    }
}

/// Steps of a sampler node (anything with a `latent_image` input), `None` for other nodes.
pub fn sampler_steps(workflow: &Workflow, node_id: &str) -> Option<u64> {
    let node = workflow.nodes.get(node_id)?;
    node.inputs.get("latent_image")?;
    let steps = node
        .number("steps")
        .or_else(|| node.link("sigmas").and_then(|l| workflow.nodes.get(&l.node)?.number("steps")))
        .map(|s| s.clamp(1.0, 1000.0) as u64)
        .unwrap_or(DEFAULT_STEPS);
    Some(steps)
}

/// Credits: sampler steps x megapixels x batch, scaled so the reference example (26 + 30 steps
/// at 1024x1536) costs 2.4 credits, the figure in the seed response. Rounded to 0.01.
pub fn credits(workflow: &Workflow, slots: &[Slot]) -> f64 {
    // Shapes of every node in one pass (not one pass per sampler: that is nodes × samplers).
    let plans = workflow.node_plans();
    let work: f64 = slots
        .iter()
        .filter_map(|s| {
            let plan = plans.get(&s.node_id);
            let megapixels = plan.width as f64 * plan.height as f64 / (1u64 << 20) as f64;
            Some(s.steps? as f64 * megapixels * plan.count as f64)
        })
        .sum();
    (work / 35.0 * 100.0).round() / 100.0
}

/// The graph the size planner reads. easel-workflow plans every image loader as 512x512 (it
/// cannot know the picture); where the upload's size is known, a copy stands that loader in as
/// an `EmptyLatentImage` of that size, the one source whose size the planner reads from its
/// inputs, so outputs and credits follow the real picture. The job keeps the original graph.
pub(crate) fn planning_graph<'a>(workflow: &'a Workflow, sizes: &BTreeMap<String, (u32, u32)>) -> Cow<'a, Workflow> {
    if sizes.is_empty() {
        return Cow::Borrowed(workflow);
    }
    let mut planned = workflow.clone();
    for (node_id, (width, height)) in sizes {
        if let Some(node) = planned.nodes.get_mut(node_id) {
            node.class_type = "EmptyLatentImage".into();
            node.inputs.clear();
            node.inputs.insert("width".into(), Input::Value(Value::from(*width)));
            node.inputs.insert("height".into(), Input::Value(Value::from(*height)));
        }
    }
    Cow::Owned(planned)
}

/// The images of `workflow`, sized as `planned` (see `planning_graph`) says.
pub(crate) fn plan_images(job_id: u64, workflow: &Workflow, planned: &Workflow) -> Vec<PlannedImage> {
    let prompt_json = workflow.to_comfy_api().to_string();
    let mut out = Vec::new();
    for plan in planned.image_plans() {
        let (seed, texts) = upstream_seed_and_texts(workflow, &plan.node_id);
        for i in 0..plan.count {
            let seed_text = seed.map(|s| s.to_string()).unwrap_or_default();
            let size = format!("{}x{}", plan.width, plan.height);
            let index = i.to_string();
            let key = hash_parts(&[seed_text.as_bytes(), texts.as_bytes(), size.as_bytes(), index.as_bytes()]);
            let mut caption = Vec::new();
            if let Some(seed) = seed {
                caption.push(format!("SEED {seed}"));
            }
            caption.push(format!("{size} #{}/{}", i + 1, plan.count));
            let id_hash = hash_parts(&[&job_id.to_le_bytes(), plan.node_id.as_bytes(), index.as_bytes()]);
            let id_hash2 = hash_parts(&[&id_hash.to_le_bytes()]);
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&id_hash.to_le_bytes());
            bytes[8..].copy_from_slice(&id_hash2.to_le_bytes());
            let resource_id = uuid::Builder::from_random_bytes(bytes).into_uuid().to_string();
            let picture =
                Picture { width: plan.width, height: plan.height, key, caption, prompt_json: prompt_json.clone() };
            out.push(PlannedImage { node_id: plan.node_id.clone(), resource_id, picture });
        }
    }
    out
}

/// The first seed found walking upstream from `node_id`, and every seed and prompt text met on
/// the way (as one string, so any of them changes the picture).
fn upstream_seed_and_texts(workflow: &Workflow, node_id: &str) -> (Option<u64>, String) {
    let (mut seed, mut texts) = (None, Vec::new());
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([node_id.to_string()]);
    while let Some(id) = queue.pop_front() {
        let Some(node) = workflow.nodes.get(&id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        for (name, input) in &node.inputs {
            match input {
                Input::Link(link) => queue.push_back(link.node.clone()),
                Input::Value(value) => {
                    if name == "seed" || name == "noise_seed" {
                        let found = value.as_f64().filter(|s| *s >= 0.0).map(|s| s as u64);
                        seed = seed.or(found);
                        texts.push(format!("seed={value}"));
                    }
                    if let Some(text) = value.as_str().filter(|_| name.eq_ignore_ascii_case("text")) {
                        texts.push(text.to_string());
                    }
                }
            }
        }
    }
    (seed, texts.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use easel_workflow::REFERENCE_WORKFLOW;

    const FATE: Fate = Fate { queue: 0, fail_rate: 0.0, seed: 0, settle: 3 };

    fn checked(workflow: Workflow, input_sizes: BTreeMap<String, (u32, u32)>) -> Checked {
        let order = workflow.execution_order().unwrap();
        Checked { workflow, order, input_sizes }
    }

    fn reference_job(id: u64) -> Job {
        let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
        Job::new(id, JobKind::Workflow, checked(workflow, BTreeMap::new()), FATE)
    }

    #[test]
    fn reference_job_costs_what_the_seed_says() {
        let job = reference_job(1);
        assert_eq!(job.credits, 2.4);
        let steps: Vec<_> = job.schedule.slots.iter().filter_map(|s| Some((s.node_id.as_str(), s.steps?))).collect();
        assert_eq!(steps, [("3", 26), ("17", 30)]);
        assert_eq!(job.images.len(), 1);
        assert_eq!((job.images[0].picture.width, job.images[0].picture.height), (1024, 1536));
        assert_eq!(job.images[0].picture.caption[0], "SEED 12345");
    }

    #[test]
    fn pictures_depend_on_the_graph_not_the_job() {
        let (a, b) = (reference_job(1), reference_job(2));
        assert_eq!(a.images[0].picture.key, b.images[0].picture.key);
        assert_ne!(a.images[0].resource_id, b.images[0].resource_id);
        let mut workflow = a.workflow.clone();
        workflow.set_value("3", "seed", 7.into()).unwrap();
        let c = Job::new(3, JobKind::Workflow, checked(workflow, BTreeMap::new()), FATE);
        assert_ne!(a.images[0].picture.key, c.images[0].picture.key);
    }

    #[test]
    fn a_known_upload_size_flows_to_outputs_and_credits_but_not_into_the_graph() {
        let template = crate::template::find(crate::template::EXAMPLE_TEMPLATE_ID).unwrap();
        let mut workflow = template.workflow.clone();
        workflow.set_value("25", "image", "f29036b4".into()).unwrap();
        let unknown = Job::new(1, JobKind::Workflow, checked(workflow.clone(), BTreeMap::new()), FATE);
        assert_eq!((unknown.images[0].picture.width, unknown.images[0].picture.height), (512, 512));
        let sizes = BTreeMap::from([("25".to_string(), (768, 1024))]);
        let known = Job::new(2, JobKind::Workflow, checked(workflow, sizes), FATE);
        assert_eq!((known.images[0].picture.width, known.images[0].picture.height), (768, 1024));
        assert!(known.credits > unknown.credits);
        assert_eq!(known.workflow.nodes["25"].class_type, "LoadImage");
        assert!(known.images[0].picture.prompt_json.contains("f29036b4"));
    }
}
