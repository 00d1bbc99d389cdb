//! The pictures of a run: the TAMS flavour's planner and renderer give each SaveImage and
//! PreviewImage its images at the planned size (an upload's real size flows from LoadImage),
//! and this file names and stores them as the server does (`<prefix>_00001_.png` in `output`,
//! `ComfyUI_temp_xxxxx_00001_.png` in `temp`), with the `prompt` chunk holding the API graph
//! exactly as sent and one chunk per `extra_pnginfo` key (`workflow`). Previews are small
//! renders of the same picture. Animated and video outputs are left out.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};

use super::state::{Comfy, Queued, MAX_OUTPUTS_KEPT};
use crate::job::{plan_images, planning_graph, PlannedImage};
use crate::prng::SplitMix64;
use crate::render::{render_png, Picture};

/// Longest side of a preview frame (the server's default `--preview-size` is 512; small keeps
/// frames cheap).
const PREVIEW_SIDE: u32 = 64;
/// Most `extra_pnginfo` keys written into a PNG.
const MAX_EXTRA_CHUNKS: usize = 8;

/// The images each output node will produce, by node id.
pub fn planned(queued: &Queued) -> HashMap<String, Vec<PlannedImage>> {
    let workflow = &queued.checked.workflow;
    let planned = planning_graph(workflow, &queued.checked.input_sizes);
    let prompt_json = queued.prompt.to_string();
    let mut by_node: HashMap<String, Vec<PlannedImage>> = HashMap::new();
    for mut image in plan_images(0, workflow, &planned) {
        image.picture.prompt_json = prompt_json.clone();
        by_node.entry(image.node_id.clone()).or_default().push(image);
    }
    by_node
}

/// A small PNG like the run's first planned picture, varied by sampler `node`.
pub fn preview(images: &HashMap<String, Vec<PlannedImage>>, node: &str) -> Arc<Vec<u8>> {
    // The lowest output node id, so the same graph always previews the same picture.
    let first = images.iter().min_by(|a, b| a.0.cmp(b.0)).and_then(|(_, planned)| planned.first());
    let Some(image) = first else { return Arc::default() };
    let p = &image.picture;
    let scale = (PREVIEW_SIDE as f64 / p.width.max(p.height).max(1) as f64).min(1.0);
    let picture = Picture {
        width: ((p.width as f64 * scale) as u32).max(1),
        height: ((p.height as f64 * scale) as u32).max(1),
        key: p.key ^ node.len() as u64,
        caption: Vec::new(),
        prompt_json: "{}".into(),
    };
    Arc::new(render_png(&picture).unwrap_or_default())
}

/// Renders and stores `images` of output `node`; returns the node's `output` (`{images: [...]}`).
pub async fn save(comfy: &Comfy, queued: &Queued, node: &str, images: &[PlannedImage]) -> Value {
    let workflow = &queued.checked.workflow;
    let Some(saver) = workflow.nodes.get(node) else { return json!({"images": []}) };
    let (kind, prefix) = if saver.class_type == "PreviewImage" {
        ("temp", format!("ComfyUI_temp_{}", random_letters(&queued.prompt_id, node)))
    } else {
        let prefix = saver.inputs.get("filename_prefix").and_then(|i| i.value()?.as_str().map(str::to_string));
        ("output", prefix.unwrap_or_else(|| "ComfyUI".into()))
    };
    // A prefix with folders saves into that subfolder, as the server does.
    let (subfolder, stem) = match prefix.rsplit_once('/') {
        Some((sub, stem)) if super::upload::safe_subfolder(sub) => (sub.to_string(), stem.to_string()),
        _ => (String::new(), prefix.replace(['/', '\\'], "_")),
    };
    let extra: Vec<(String, String)> = queued
        .extra_data
        .get("extra_pnginfo")
        .and_then(Value::as_object)
        .map(|m| m.iter().take(MAX_EXTRA_CHUNKS).map(|(k, v)| (k.clone(), v.to_string())).collect())
        .unwrap_or_default();
    let mut listed = Vec::new();
    for image in images {
        let picture = image.picture.clone();
        let extra = extra.clone();
        let rendered = tokio::task::spawn_blocking(move || {
            let png = render_png(&picture)?;
            let chunks: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            easel_workflow::png_with_text(&png, &chunks).map_err(|e| e.to_string())
        })
        .await;
        let Ok(Ok(bytes)) = rendered else { continue };
        let mut books = comfy.books();
        books.saved += 1;
        let filename = format!("{stem}_{:05}_.png", books.saved);
        let key = (kind.to_string(), subfolder.clone(), filename.clone());
        Comfy::keep(&mut books.outputs, key, Arc::new(bytes), MAX_OUTPUTS_KEPT);
        listed.push(json!({"filename": filename, "subfolder": subfolder, "type": kind}));
    }
    json!({"images": listed})
}

/// Five lowercase letters, as PreviewImage's random suffix (deterministic per prompt and node).
fn random_letters(prompt_id: &str, node: &str) -> String {
    let mut rng = SplitMix64::new(crate::prng::hash_parts(&[prompt_id.as_bytes(), node.as_bytes()]));
    (0..5).map(|_| (b'a' + (rng.next_u64() % 26) as u8) as char).collect()
}
