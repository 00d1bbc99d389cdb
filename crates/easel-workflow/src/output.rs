//! What images a graph will produce: for each output node, the pixel size and count implied by
//! the latent and image nodes upstream of it (EmptyLatentImage, LatentUpscale, ImageScale...).
//! The emulator renders to this plan and the engine checks downloads against it. Nodes this
//! module does not know are passed through along their first linked input. Shapes are worked
//! out once per graph, node by node in execution order, each from the memoised shape of the one
//! input it follows: linear time and no recursion, however long the chain. Pixel content,
//! crops, pads and video frame counts are left out.

use crate::{Input, Link, Node, Workflow};

/// Classes whose images are the results of a run.
pub const OUTPUT_CLASSES: &[&str] = &["SaveImage", "PreviewImage"];

/// The most images one output node is planned to produce: ComfyUI's largest batch (4096), which
/// is also what RepeatLatentBatch chains reach within their schema limits.
pub const MAX_PLANNED_IMAGES: u32 = 4096;

/// The images one output node is expected to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagePlan {
    /// The output node's id.
    pub node_id: String,
    /// Expected width in pixels.
    pub width: u32,
    /// Expected height in pixels.
    pub height: u32,
    /// Number of images (the batch size upstream).
    pub count: u32,
}

/// Size and batch of the tensor flowing out of a node.
#[derive(Debug, Clone, Copy)]
struct Shape {
    width: f64,
    height: f64,
    batch: u32,
}

const DEFAULT_SHAPE: Shape = Shape { width: 512.0, height: 512.0, batch: 1 };

/// The plan at every node of one graph, worked out in one pass. Ask it for as many nodes as
/// needed (credits look at every sampler) instead of calling `plan_at` in a loop, which would
/// redo the pass each time.
#[derive(Debug)]
pub struct NodePlans<'a> {
    workflow: &'a Workflow,
    /// By node position.
    shapes: Vec<Shape>,
}

impl NodePlans<'_> {
    /// The size and batch flowing out of node `node_id`; an unknown id gives 512x512x1.
    pub fn get(&self, node_id: &str) -> ImagePlan {
        plan(node_id, self.shape_of(node_id).unwrap_or(DEFAULT_SHAPE))
    }

    fn shape_of(&self, node_id: &str) -> Option<Shape> {
        self.workflow.nodes.get_index_of(node_id).and_then(|i| self.shapes.get(i).copied())
    }
}

impl Workflow {
    /// One plan per output node, in file order.
    pub fn image_plans(&self) -> Vec<ImagePlan> {
        let plans = self.node_plans();
        self.nodes
            .iter()
            .filter(|(_, n)| OUTPUT_CLASSES.contains(&n.class_type.as_str()))
            .map(|(id, node)| {
                let shape = node.link("images").and_then(|l| plans.shape_of(&l.node)).unwrap_or(DEFAULT_SHAPE);
                plan(id, shape)
            })
            .collect()
    }

    /// The size and batch of the images (or latents, in pixels) flowing out of node `node_id`,
    /// worked out the same way as `image_plans`. For a sampler that is the size it denoises at,
    /// which is what credits and progress estimates scale with. An unknown id gives 512x512x1.
    /// Each call walks the whole graph once; use `node_plans` for many nodes.
    pub fn plan_at(&self, node_id: &str) -> ImagePlan {
        self.node_plans().get(node_id)
    }

    /// The plans of every node, for looking up many of them.
    ///
    /// Nodes are visited in execution order, so the one input a node's shape follows is always
    /// done before it. In a graph with a cycle, the nodes the cycle holds up come last in file
    /// order, and an input not worked out by then reads as 512x512x1 (such a graph does not
    /// validate anyway).
    pub fn node_plans(&self) -> NodePlans<'_> {
        let positions = self.positions();
        let mut done: Vec<Option<Shape>> = vec![None; self.nodes.len()];
        for i in positions.all {
            let Some((_, node)) = self.nodes.get_index(i) else { continue };
            let from = followed(node)
                .and_then(|l| self.nodes.get_index_of(&l.node))
                .and_then(|j| done.get(j).copied().flatten())
                .unwrap_or(DEFAULT_SHAPE);
            if let Some(slot) = done.get_mut(i) {
                *slot = Some(shape_after(node, from));
            }
        }
        NodePlans { workflow: self, shapes: done.into_iter().map(|s| s.unwrap_or(DEFAULT_SHAPE)).collect() }
    }
}

fn plan(node_id: &str, shape: Shape) -> ImagePlan {
    ImagePlan {
        node_id: node_id.to_string(),
        width: clamp_px(shape.width),
        height: clamp_px(shape.height),
        count: shape.batch.max(1),
    }
}

/// The one input whose shape a node's shape is made from: a known class's latent or image
/// input, else the first linked input. None for sources (and for a value where a link belongs).
fn followed(node: &Node) -> Option<&Link> {
    let name = match node.class_type.as_str() {
        "EmptyLatentImage" | "EmptySD3LatentImage" | "EmptyHunyuanLatentVideo" => return None,
        "ImageScale" | "ImageScaleBy" | "RepeatImageBatch" => "image",
        "LatentUpscale" | "LatentUpscaleBy" | "VAEDecode" | "VAEDecodeTiled" | "RepeatLatentBatch" => "samples",
        "KSampler" | "KSamplerAdvanced" => "latent_image",
        _ => {
            return node.inputs.values().find_map(|i| match i {
                Input::Link(l) => Some(l),
                Input::Value(_) => None,
            })
        }
    };
    node.link(name)
}

/// The shape flowing out of `node`, given the shape `from` of the input it follows.
fn shape_after(node: &Node, from: Shape) -> Shape {
    match node.class_type.as_str() {
        "EmptyLatentImage" | "EmptySD3LatentImage" | "EmptyHunyuanLatentVideo" => Shape {
            width: node.number("width").unwrap_or(512.0),
            height: node.number("height").unwrap_or(512.0),
            batch: batch(node),
        },
        "LatentUpscale" | "ImageScale" => scaled_to(node, from),
        "LatentUpscaleBy" | "ImageScaleBy" => {
            let by = node.number("scale_by").filter(|s| *s > 0.0).unwrap_or(1.0);
            Shape { width: from.width * by, height: from.height * by, ..from }
        }
        "RepeatLatentBatch" | "RepeatImageBatch" => {
            // Saturating, then capped: a chain of repeats must neither overflow nor plan billions.
            let amount = node.number("amount").map(|a| a.max(1.0) as u32).unwrap_or(1);
            Shape { batch: from.batch.saturating_mul(amount).min(MAX_PLANNED_IMAGES), ..from }
        }
        _ => from,
    }
}

/// Width/height inputs of 0 mean "keep the aspect ratio" in ComfyUI's scale nodes.
fn scaled_to(node: &Node, from: Shape) -> Shape {
    let w = node.number("width").unwrap_or(0.0);
    let h = node.number("height").unwrap_or(0.0);
    match (w > 0.0, h > 0.0) {
        (true, true) => Shape { width: w, height: h, ..from },
        (true, false) => Shape { width: w, height: from.height * w / from.width, ..from },
        (false, true) => Shape { width: from.width * h / from.height, height: h, ..from },
        (false, false) => from,
    }
}

fn batch(node: &Node) -> u32 {
    node.number("batch_size").map(|b| b.clamp(1.0, 64.0) as u32).unwrap_or(1)
}

fn clamp_px(v: f64) -> u32 {
    if v.is_finite() {
        v.round().clamp(8.0, 8192.0) as u32
    } else {
        512
    }
}

#[cfg(test)]
mod tests {
    use crate::{ImagePlan, Workflow};

    #[test]
    fn upscaled_two_pass_graph_plans_final_size() {
        let w = Workflow::from_json_str(
            r#"{"5":{"classType":"EmptyLatentImage","inputs":{"batch_size":2,"width":512,"height":768}},
                "3":{"classType":"KSampler","inputs":{"latent_image":["5",0]}},
                "16":{"classType":"LatentUpscale","inputs":{"samples":["3",0],"width":1024,"height":0}},
                "17":{"classType":"KSampler","inputs":{"latent_image":["16",0]}},
                "18":{"classType":"VAEDecode","inputs":{"samples":["17",0]}},
                "9":{"classType":"SaveImage","inputs":{"images":["18",0]}}}"#,
        )
        .unwrap()
        .workflow;
        assert_eq!(w.image_plans(), [ImagePlan { node_id: "9".into(), width: 1024, height: 1536, count: 2 }]);
        assert_eq!(w.plan_at("3"), ImagePlan { node_id: "3".into(), width: 512, height: 768, count: 2 });
        assert_eq!(w.plan_at("17").width, 1024);
        let plans = w.node_plans();
        assert_eq!(plans.get("16"), w.plan_at("16"));
        assert_eq!(plans.get("nope"), ImagePlan { node_id: "nope".into(), width: 512, height: 512, count: 1 });
    }

    #[test]
    fn repeated_batches_saturate_instead_of_overflowing() {
        // 64^6 overflows u32: before the cap this panicked in debug builds and wrapped in release.
        let mut text = String::from(r#"{"0":{"classType":"EmptyLatentImage","inputs":{"batch_size":64}}"#);
        for i in 1..=6 {
            text += &format!(
                r#","{i}":{{"classType":"RepeatLatentBatch","inputs":{{"samples":["{}",0],"amount":64}}}}"#,
                i - 1
            );
        }
        text += r#","9":{"classType":"SaveImage","inputs":{"images":["6",0]}}}"#;
        let w = Workflow::from_json_str(&text).unwrap().workflow;
        assert_eq!(w.image_plans()[0].count, crate::MAX_PLANNED_IMAGES);
    }
}
