//! What an image's embedded metadata says, boiled down to what the index stores: where it came
//! from, the prompts, the seed, the models, the node classes, and Easel's own run facts. ComfyUI
//! graphs (the `prompt` chunk, Easel's included) are read through easel-workflow; so are A1111
//! and Fooocus `parameters`, which `foreign` maps onto the index's fields. Nothing here fails:
//! metadata that cannot be read simply leaves the fields empty, because an image without
//! metadata is still an image.

use std::collections::BTreeMap;

use easel_workflow::{Input, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::png_file::PngInfo;

/// Which tool's metadata an image carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MetadataSource {
    /// Saved by Easel (`easel` chunk beside the `prompt` graph).
    Easel,
    /// ComfyUI `prompt` (API graph) and/or `workflow` (editor graph) chunks.
    ComfyUi,
    /// AUTOMATIC1111-style `parameters` text.
    A1111,
    /// Fooocus JSON in `parameters`.
    Fooocus,
    /// No metadata Easel understands.
    None,
}

impl MetadataSource {
    /// The stored spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MetadataSource::Easel => "easel",
            MetadataSource::ComfyUi => "comfyUi",
            MetadataSource::A1111 => "a1111",
            MetadataSource::Fooocus => "fooocus",
            MetadataSource::None => "none",
        }
    }

    /// Reads the stored spelling back; unknown text reads as `None`.
    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "easel" => MetadataSource::Easel,
            "comfyUi" => MetadataSource::ComfyUi,
            "a1111" => MetadataSource::A1111,
            "fooocus" => MetadataSource::Fooocus,
            _ => MetadataSource::None,
        }
    }
}

/// A model an image used: its kind (`checkpoint`, `lora`, `vae`...), the identifier the graph
/// names it by (a file name, or a TAMS model id), and a name for people.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelRef {
    /// `checkpoint`, `lora`, `vae`, `unet`, `clip`, `controlnet`, `upscale`, or another input stem.
    pub kind: String,
    /// The value as the graph wrote it (file name or model id).
    pub ident: String,
    /// Display name: the file stem, or a name supplied by the engine for model ids.
    pub name: String,
}

/// The facts extracted from one PNG's metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Extracted {
    pub source: Option<MetadataSource>,
    pub prompt: String,
    pub negative: String,
    pub seed: Option<i64>,
    pub models: Vec<ModelRef>,
    pub classes: Vec<String>,
    pub run_id: Option<String>,
    pub job_id: Option<String>,
    pub workflow: Option<String>,
    /// Unix milliseconds, when the metadata says when the image was made.
    pub created_at: Option<i64>,
    /// Parameters for comparing two images: node label -> input -> value.
    pub params: BTreeMap<String, BTreeMap<String, Value>>,
    /// The Easel sweep it belongs to, and whether it is that sweep's grid (not a cell).
    pub sweep: Option<(String, bool)>,
    /// The backend Easel ran it on, as its `easel` chunk records it.
    pub backend: Option<String>,
}

/// Reads everything the index wants from a PNG's text entries.
pub(crate) fn extract(info: &PngInfo) -> Extracted {
    let mut out = Extracted::default();
    if let Some(graph) = info.text("prompt").and_then(|t| Workflow::from_json_str(t).ok()) {
        out.source = Some(MetadataSource::ComfyUi);
        read_graph(&graph.workflow, &mut out);
    } else if info.text("workflow").is_some() {
        // Editor-format only: the graph is there for "open this workflow", nothing to index yet.
        out.source = Some(MetadataSource::ComfyUi);
    }
    if let Some(params) = info.text("parameters") {
        if out.source.is_none() {
            crate::foreign::read_parameters(params, &mut out);
        }
    }
    if let Some(easel) = info.text("easel").and_then(|t| serde_json::from_str::<Value>(t).ok()) {
        read_easel(&easel, &mut out);
    }
    out
}

fn read_easel(easel: &Value, out: &mut Extracted) {
    out.source = Some(MetadataSource::Easel);
    let text = |k: &str| easel.get(k).and_then(Value::as_str).map(str::to_string);
    out.run_id = text("runId");
    out.job_id = text("jobId");
    out.workflow = text("workflow").or_else(|| out.workflow.take());
    out.created_at = easel.get("createdAt").and_then(Value::as_i64).map(to_millis);
    out.backend =
        easel.get("backend").and_then(Value::as_str).filter(|b| !b.is_empty() && b.len() <= 300).map(str::to_string);
    // A cell says `sweep: {sweepId, cell}`; the grid says `sweep: {sweepId, definition, cells}`.
    if let Some(sweep) = easel.get("sweep") {
        if let Some(id) = sweep.get("sweepId").and_then(Value::as_str).filter(|id| !id.is_empty() && id.len() <= 64) {
            out.sweep = Some((id.to_string(), sweep.get("definition").is_some()));
        }
    }
    // The seeds actually used, as the engine resolved them, win over the graph's literal values.
    if let Some(seeds) = easel.get("seeds").and_then(Value::as_object) {
        if let Some(seed) = seeds.values().find_map(Value::as_i64) {
            out.seed = Some(seed);
        }
    }
    if let Some(names) = easel.get("modelNames").and_then(Value::as_object) {
        for model in &mut out.models {
            if let Some(name) = names.get(&model.ident).and_then(Value::as_str) {
                model.name = name.to_string();
            }
        }
    }
}

/// Seconds and milliseconds are both seen in the wild; anything below 10^11 is seconds.
pub(crate) fn to_millis(t: i64) -> i64 {
    if t.abs() < 100_000_000_000 {
        t * 1000
    } else {
        t
    }
}

fn read_graph(graph: &Workflow, out: &mut Extracted) {
    let negative_sources = negative_nodes(graph);
    let (mut positive, mut negative) = (Vec::new(), Vec::new());
    for (id, node) in &graph.nodes {
        if !out.classes.contains(&node.class_type) {
            out.classes.push(node.class_type.clone());
        }
        let mut params = BTreeMap::new();
        for (name, input) in &node.inputs {
            let Input::Value(value) = input else { continue };
            params.insert(name.clone(), value.clone());
            match value {
                Value::String(text) if is_prompt_input(name) && !text.trim().is_empty() => {
                    let bucket = if negative_sources.contains(id) { &mut negative } else { &mut positive };
                    if !bucket.contains(text) {
                        bucket.push(text.clone());
                    }
                }
                Value::String(text) => {
                    if let Some(model) = model_ref(name, text) {
                        if !out.models.contains(&model) {
                            out.models.push(model);
                        }
                    }
                }
                Value::Number(n) if (name == "seed" || name == "noise_seed") && out.seed.is_none() => {
                    out.seed = n.as_i64().or_else(|| n.as_u64().map(|u| u as i64));
                }
                _ => {}
            }
        }
        out.params.insert(format!("{id} {}", node.class_type), params);
    }
    out.prompt = positive.join("\n");
    out.negative = negative.join("\n");
}

/// Nodes feeding a `negative` input directly: their text is the negative prompt.
fn negative_nodes(graph: &Workflow) -> Vec<String> {
    graph.nodes.values().filter_map(|n| n.link("negative")).map(|l| l.node.clone()).collect()
}

fn is_prompt_input(name: &str) -> bool {
    matches!(name, "text" | "text_g" | "text_l" | "prompt" | "positive" | "negative" | "clip_l" | "t5xxl")
}

/// A model reference when the input looks like one: a `*_name` input holding a weights file
/// name or a numeric TAMS model id. Sampler and scheduler names are not models.
fn model_ref(input: &str, value: &str) -> Option<ModelRef> {
    let stem = input.strip_suffix("_name")?.trim_end_matches(|c: char| c.is_ascii_digit());
    if matches!(stem, "sampler" | "scheduler" | "filename" | "preset" | "") {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let weights = [".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft", ".onnx"];
    let is_id = value.len() >= 6 && value.bytes().all(|b| b.is_ascii_digit());
    if !is_id && !weights.iter().any(|ext| lower.ends_with(ext)) {
        return None;
    }
    let kind = match stem {
        "ckpt" => "checkpoint",
        "control_net" => "controlnet",
        "model" => "upscale",
        other => other,
    };
    Some(ModelRef { kind: kind.to_string(), ident: value.to_string(), name: display_name(value) })
}

/// `loras/style/foo.safetensors` -> `foo`.
pub(crate) fn display_name(value: &str) -> String {
    let file = value.rsplit(['/', '\\']).next().unwrap_or(value);
    match file.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(text: &[(&str, &str)]) -> PngInfo {
        PngInfo { width: 1, height: 1, text: text.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    #[test]
    fn reads_prompts_models_seed_and_easel_facts() {
        let graph = r#"{
          "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd/v1-5.safetensors"}},
          "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["4", 1]}},
          "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
          "3": {"class_type": "KSampler", "inputs": {"seed": 5, "sampler_name": "euler", "model": ["4", 0],
                "positive": ["6", 0], "negative": ["7", 0]}}
        }"#;
        let easel = r#"{"runId": "r1", "jobId": "j1", "seeds": {"3": 77}, "createdAt": 1700000000}"#;
        let out = extract(&info(&[("prompt", graph), ("easel", easel)]));
        assert_eq!(out.source, Some(MetadataSource::Easel));
        assert_eq!((out.prompt.as_str(), out.negative.as_str()), ("a red fox", "blurry"));
        assert_eq!(out.seed, Some(77));
        assert_eq!(out.created_at, Some(1_700_000_000_000));
        assert_eq!(out.models.len(), 1);
        assert_eq!((out.models[0].kind.as_str(), out.models[0].name.as_str()), ("checkpoint", "v1-5"));
        assert!(out.classes.contains(&"KSampler".to_string()));
    }

    #[test]
    fn no_metadata_is_not_an_error() {
        let out = extract(&info(&[("prompt", "{not json")]));
        assert_eq!(out.source, None);
    }
}
