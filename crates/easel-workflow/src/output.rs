//! What images a graph will produce: for each output node, the pixel size and count implied by
//! the latent and image nodes upstream of it (EmptyLatentImage, LatentUpscale, ImageScale...).
//! The emulator renders to this plan and the engine checks downloads against it. Nodes this
//! module does not know are passed through along their first linked input.

use std::collections::HashSet;

use crate::{Node, Workflow};

/// Classes whose images are the results of a run.
pub const OUTPUT_CLASSES: &[&str] = &["SaveImage", "PreviewImage"];

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
#[derive(Clone, Copy)]
struct Shape {
    width: f64,
    height: f64,
    batch: u32,
}

const DEFAULT_SHAPE: Shape = Shape { width: 512.0, height: 512.0, batch: 1 };

impl Workflow {
    /// One plan per output node, in file order.
    pub fn image_plans(&self) -> Vec<ImagePlan> {
        self.nodes
            .iter()
            .filter(|(_, n)| OUTPUT_CLASSES.contains(&n.class_type.as_str()))
            .map(|(id, node)| {
                let mut seen = HashSet::new();
                let shape = node.link("images").map(|l| self.shape_of(&l.node, &mut seen)).unwrap_or(DEFAULT_SHAPE);
                ImagePlan {
                    node_id: id.clone(),
                    width: clamp_px(shape.width),
                    height: clamp_px(shape.height),
                    count: shape.batch.max(1),
                }
            })
            .collect()
    }

    /// The size and batch of the images (or latents, in pixels) flowing out of node `node_id`,
    /// worked out the same way as `image_plans`. For a sampler that is the size it denoises at,
    /// which is what credits and progress estimates scale with. An unknown id gives 512x512x1.
    pub fn plan_at(&self, node_id: &str) -> ImagePlan {
        let shape = self.shape_of(node_id, &mut HashSet::new());
        ImagePlan {
            node_id: node_id.to_string(),
            width: clamp_px(shape.width),
            height: clamp_px(shape.height),
            count: shape.batch.max(1),
        }
    }

    fn shape_of(&self, id: &str, seen: &mut HashSet<String>) -> Shape {
        let Some(node) = self.nodes.get(id) else { return DEFAULT_SHAPE };
        if !seen.insert(id.to_string()) {
            return DEFAULT_SHAPE;
        }
        let upstream = |name: &str, seen: &mut HashSet<String>| {
            node.link(name).map(|l| self.shape_of(&l.node, seen)).unwrap_or(DEFAULT_SHAPE)
        };
        match node.class_type.as_str() {
            "EmptyLatentImage" | "EmptySD3LatentImage" | "EmptyHunyuanLatentVideo" => Shape {
                width: node.number("width").unwrap_or(512.0),
                height: node.number("height").unwrap_or(512.0),
                batch: batch(node),
            },
            "LatentUpscale" | "ImageScale" => {
                let from = upstream(if node.class_type == "ImageScale" { "image" } else { "samples" }, seen);
                scaled_to(node, from)
            }
            "LatentUpscaleBy" | "ImageScaleBy" => {
                let from = upstream(if node.class_type == "ImageScaleBy" { "image" } else { "samples" }, seen);
                let by = node.number("scale_by").filter(|s| *s > 0.0).unwrap_or(1.0);
                Shape { width: from.width * by, height: from.height * by, ..from }
            }
            "KSampler" | "KSamplerAdvanced" => upstream("latent_image", seen),
            "VAEDecode" | "VAEDecodeTiled" => upstream("samples", seen),
            "RepeatLatentBatch" | "RepeatImageBatch" => {
                let from = upstream(if node.class_type == "RepeatImageBatch" { "image" } else { "samples" }, seen);
                Shape { batch: from.batch * node.number("amount").map(|a| a.max(1.0) as u32).unwrap_or(1), ..from }
            }
            _ => node
                .inputs
                .values()
                .find_map(|i| match i {
                    crate::Input::Link(l) => Some(l.node.clone()),
                    crate::Input::Value(_) => None,
                })
                .map(|src| self.shape_of(&src, seen))
                .unwrap_or(DEFAULT_SHAPE),
        }
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
    }
}
