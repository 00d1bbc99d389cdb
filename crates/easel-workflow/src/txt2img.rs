//! A plain text-to-image graph built from generation settings, for images that carry settings
//! rather than a graph (A1111 `parameters`, Fooocus JSON). Mirrors what ComfyUI's own A1111
//! importer builds: checkpoint -> (LoRAs) -> (clip skip) -> two prompts -> KSampler ->
//! VAEDecode -> SaveImage. Hires-fix passes, refiners and styles are not rebuilt.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::{Input, Link, Node, Workflow};

/// Settings read from an image's metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Txt2Img {
    /// Positive prompt (LoRA tags removed).
    pub prompt: String,
    /// Negative prompt.
    pub negative: String,
    /// Checkpoint name as the tool wrote it.
    pub model: Option<String>,
    /// LoRAs: name and strength.
    pub loras: Vec<(String, f64)>,
    /// Sampling steps.
    pub steps: Option<u64>,
    /// CFG scale.
    pub cfg: Option<f64>,
    /// Seed.
    pub seed: Option<u64>,
    /// ComfyUI sampler name.
    pub sampler: Option<String>,
    /// ComfyUI scheduler name.
    pub scheduler: Option<String>,
    /// Image width and height.
    pub size: Option<(u64, u64)>,
    /// CLIP skip (1 = none).
    pub clip_skip: Option<i64>,
}

fn link(node: &str, output: u32) -> Input {
    Input::Link(Link { node: node.into(), output })
}

fn node(class: &str, title: &str, inputs: Vec<(&str, Input)>) -> Node {
    let inputs: IndexMap<String, Input> = inputs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Node { class_type: class.into(), inputs, title: Some(title.into()), extra: Map::new() }
}

fn val(v: Value) -> Input {
    Input::Value(v)
}

impl Txt2Img {
    /// The graph these settings describe.
    pub fn to_workflow(&self) -> Workflow {
        let mut w = Workflow::default();
        let ckpt = self.model.clone().unwrap_or_default();
        w.nodes.insert(
            "4".into(),
            node("CheckpointLoaderSimple", "Load Checkpoint", vec![("ckpt_name", val(json!(ckpt)))]),
        );
        let (mut model, mut clip) = (("4".to_string(), 0), ("4".to_string(), 1));
        for (i, (name, strength)) in self.loras.iter().enumerate() {
            let id = format!("{}", 20 + i);
            w.nodes.insert(
                id.clone(),
                node(
                    "LoraLoader",
                    "Load LoRA",
                    vec![
                        ("model", link(&model.0, model.1)),
                        ("clip", link(&clip.0, clip.1)),
                        ("lora_name", val(json!(name))),
                        ("strength_model", val(json!(strength))),
                        ("strength_clip", val(json!(strength))),
                    ],
                ),
            );
            model = (id.clone(), 0);
            clip = (id, 1);
        }
        if let Some(skip) = self.clip_skip.filter(|s| *s > 1) {
            w.nodes.insert(
                "10".into(),
                node(
                    "CLIPSetLastLayer",
                    "CLIP Set Last Layer",
                    vec![("clip", link(&clip.0, clip.1)), ("stop_at_clip_layer", val(json!(-skip)))],
                ),
            );
            clip = ("10".into(), 0);
        }
        for (id, text) in [("6", &self.prompt), ("7", &self.negative)] {
            w.nodes.insert(
                id.into(),
                node(
                    "CLIPTextEncode",
                    "CLIP Text Encode (Prompt)",
                    vec![("text", val(json!(text))), ("clip", link(&clip.0, clip.1))],
                ),
            );
        }
        let (width, height) = self.size.unwrap_or((512, 512));
        w.nodes.insert(
            "5".into(),
            node(
                "EmptyLatentImage",
                "Empty Latent Image",
                vec![("width", val(json!(width))), ("height", val(json!(height))), ("batch_size", val(json!(1)))],
            ),
        );
        w.nodes.insert(
            "3".into(),
            node(
                "KSampler",
                "KSampler",
                vec![
                    ("seed", val(json!(self.seed.unwrap_or(0)))),
                    ("steps", val(json!(self.steps.unwrap_or(20)))),
                    ("cfg", val(json!(self.cfg.unwrap_or(7.0)))),
                    ("sampler_name", val(json!(self.sampler.clone().unwrap_or_else(|| "euler".into())))),
                    ("scheduler", val(json!(self.scheduler.clone().unwrap_or_else(|| "normal".into())))),
                    ("denoise", val(json!(1.0))),
                    ("model", link(&model.0, model.1)),
                    ("positive", link("6", 0)),
                    ("negative", link("7", 0)),
                    ("latent_image", link("5", 0)),
                ],
            ),
        );
        w.nodes.insert(
            "8".into(),
            node("VAEDecode", "VAE Decode", vec![("samples", link("3", 0)), ("vae", link("4", 2))]),
        );
        w.nodes.insert(
            "9".into(),
            node("SaveImage", "Save Image", vec![("filename_prefix", val(json!("Easel"))), ("images", link("8", 0))]),
        );
        w
    }
}

/// A1111/Fooocus sampler labels to ComfyUI names, and the scheduler a label implies.
pub(crate) fn comfy_sampler(label: &str) -> (String, Option<String>) {
    let mut name = label.trim().to_lowercase().replace("++", "pp").replace([' ', '-'], "_");
    let mut scheduler = None;
    for sched in ["karras", "exponential"] {
        if let Some(base) = name.strip_suffix(&format!("_{sched}")) {
            name = base.to_string();
            scheduler = Some(sched.to_string());
        }
    }
    let name = match name.as_str() {
        "euler_a" => "euler_ancestral",
        "unipc" => "uni_pc",
        "dpm2" => "dpm_2",
        "dpm2_a" => "dpm_2_ancestral",
        "dpmpp_2s_a" => "dpmpp_2s_ancestral",
        "dpm_adaptive" | "dpm_fast" | "lms" | "heun" | "ddim" | "lcm" | "euler" => name.as_str(),
        other => other,
    };
    (name.to_string(), scheduler)
}
