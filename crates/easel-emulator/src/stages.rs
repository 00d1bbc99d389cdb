//! Classic "stages" jobs (`POST /v1/jobs`), far enough for txt2img: an `INPUT_INITIALIZE` stage
//! (seed, count) and a `DIFFUSION` stage become the equivalent ComfyUI graph, which then runs
//! like any workflow job (so its PNGs embed that graph). Other stage types (upscaler, adetailer,
//! inpaint, animate) and image inputs are refused with code 3, as unsupported by the emulator.

use easel_workflow::Workflow;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::prng::hash_parts;
use crate::rpc::Status;

/// One stage (camelCase or snake_case).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Stage {
    /// `INPUT_INITIALIZE`, `DIFFUSION`...
    #[serde(rename = "type")]
    pub kind: String,
    /// Seed and count.
    #[serde(alias = "input_initialize")]
    pub input_initialize: Option<InputInitialize>,
    /// The txt2img parameters.
    pub diffusion: Option<Diffusion>,
}

/// `inputInitialize`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InputInitialize {
    /// int64 as string or number; -1 or 0 = random.
    pub seed: Value,
    /// 1..=4 images.
    pub count: Option<u32>,
    /// An init image (img2img): not supported here.
    #[serde(alias = "image_resource_id")]
    pub image_resource_id: Option<String>,
}

/// `diffusion`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Diffusion {
    /// Pixels, multiple of 64 in 512..=1536.
    pub width: u32,
    /// Pixels, multiple of 64 in 512..=1536.
    pub height: u32,
    /// Positive prompts `{text, weight}`.
    pub prompts: Vec<Prompt>,
    /// Negative prompts.
    #[serde(alias = "negative_prompts")]
    pub negative_prompts: Vec<Prompt>,
    /// Checkpoint model id.
    #[serde(alias = "sd_model")]
    pub sd_model: String,
    /// VAE name (required since the service's stricter validation).
    #[serde(alias = "sd_vae")]
    pub sd_vae: String,
    /// A1111 sampler name, e.g. "DPM++ 2M Karras".
    pub sampler: String,
    /// Sampling steps.
    pub steps: Option<u32>,
    /// CFG scale.
    #[serde(alias = "cfg_scale")]
    pub cfg_scale: Option<f64>,
    /// CLIP skip.
    #[serde(alias = "clip_skip")]
    pub clip_skip: Option<u32>,
    /// LoRAs `{items: [{loraModel, weight}]}`.
    pub lora: Option<Value>,
}

/// `{text, weight}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Prompt {
    /// The text.
    pub text: String,
    /// Its weight (1 when absent).
    pub weight: Option<f64>,
}

fn invalid(field: &str, reason: &str) -> Status {
    Status::invalid_argument(field, format!("{field}: {reason}\n"))
}

/// The graph equivalent to `stages`; `salt` (the requestId) decides random seeds.
pub fn stages_to_workflow(stages: &[Stage], salt: &str) -> Result<Workflow, Status> {
    if stages.is_empty() {
        return Err(invalid("stages", "required"));
    }
    let (mut seed, mut count) = (None, 1);
    let mut diffusion = None;
    for (i, stage) in stages.iter().enumerate() {
        match stage.kind.as_str() {
            "INPUT_INITIALIZE" => {
                let init = stage.input_initialize.clone().unwrap_or_default();
                if init.image_resource_id.is_some_and(|r| !r.is_empty()) {
                    return Err(invalid(
                        &format!("stages[{i}].inputInitialize.imageResourceId"),
                        "img2img is not emulated",
                    ));
                }
                seed = match &init.seed {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                count = init.count.unwrap_or(1);
                if !(1..=4).contains(&count) {
                    return Err(invalid(&format!("stages[{i}].inputInitialize.count"), "must be 1 to 4"));
                }
            }
            "DIFFUSION" => diffusion = Some((i, stage.diffusion.clone().unwrap_or_default())),
            other => return Err(invalid(&format!("stages[{i}].type"), &format!("`{other}` is not emulated"))),
        }
    }
    let Some((i, d)) = diffusion else { return Err(invalid("stages", "a DIFFUSION stage is required")) };
    let field = |name: &str| format!("stages[{i}].diffusion.{name}");
    for (name, value) in [("width", d.width), ("height", d.height)] {
        if !(512..=1536).contains(&value) || value % 64 != 0 {
            return Err(invalid(&field(name), "must be a multiple of 64 from 512 to 1536"));
        }
    }
    for (name, value) in [("sdModel", &d.sd_model), ("sdVae", &d.sd_vae), ("sampler", &d.sampler)] {
        if value.trim().is_empty() {
            return Err(invalid(&field(name), "required"));
        }
    }
    if d.prompts.iter().all(|p| p.text.trim().is_empty()) {
        return Err(invalid(&field("prompts"), "required"));
    }
    let seed = match seed {
        Some(s) if s > 0 => s as u64,
        _ => hash_parts(&[salt.as_bytes()]) % 4_294_967_296,
    };
    let mut graph = Map::new();
    graph.insert("1".into(), json!({"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": d.sd_model}}));
    let mut model_clip = ("1".to_string(), "1".to_string());
    let items = d.lora.as_ref().and_then(|l| l.get("items")).and_then(Value::as_array).cloned().unwrap_or_default();
    for (n, item) in items.iter().enumerate() {
        let id = format!("{}", 10 + n);
        let name = item.get("loraModel").or_else(|| item.get("lora_model")).cloned().unwrap_or(Value::Null);
        let weight = item.get("weight").and_then(Value::as_f64).unwrap_or(1.0);
        graph.insert(
            id.clone(),
            json!({"classType": "LoraLoader", "inputs": {
            "lora_name": name, "strength_model": weight, "strength_clip": weight,
            "model": [model_clip.0, 0], "clip": [model_clip.1, 1]}}),
        );
        model_clip = (id.clone(), id);
    }
    graph.insert("2".into(), text_node(&d.prompts, &model_clip.1));
    graph.insert("3".into(), text_node(&d.negative_prompts, &model_clip.1));
    graph.insert(
        "4".into(),
        json!({"classType": "EmptyLatentImage", "inputs": {"width": d.width, "height": d.height, "batch_size": count}}),
    );
    let (sampler_name, scheduler) = comfy_sampler(&d.sampler);
    graph.insert(
        "5".into(),
        json!({"classType": "KSampler", "inputs": {
        "seed": seed, "steps": d.steps.unwrap_or(20).clamp(1, 150), "cfg": d.cfg_scale.unwrap_or(7.0),
        "sampler_name": sampler_name, "scheduler": scheduler, "denoise": 1,
        "model": [model_clip.0, 0], "positive": ["2", 0], "negative": ["3", 0], "latent_image": ["4", 0]}}),
    );
    graph.insert("6".into(), json!({"classType": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}}));
    graph.insert(
        "7".into(),
        json!({"classType": "SaveImage", "inputs": {"filename_prefix": "TensorArt", "images": ["6", 0]}}),
    );
    Workflow::from_json(json!({ "params": graph }))
        .map(|i| i.workflow)
        .map_err(|e| Status::invalid_argument("stages", format!("{e}\n")))
}

/// A CLIPTextEncode node joining prompts A1111-style (`(text:weight)` when weighted).
fn text_node(prompts: &[Prompt], clip_from: &str) -> Value {
    let text: Vec<String> = prompts
        .iter()
        .filter(|p| !p.text.trim().is_empty())
        .map(|p| match p.weight {
            Some(w) if (w - 1.0).abs() > f64::EPSILON => format!("({}:{w})", p.text),
            _ => p.text.clone(),
        })
        .collect();
    json!({"classType": "CLIPTextEncode", "inputs": {"text": text.join(", "), "clip": [clip_from, 1]}})
}

/// ComfyUI sampler and scheduler names for an A1111 sampler name (best effort).
fn comfy_sampler(a1111: &str) -> (String, &'static str) {
    let lower = a1111.to_ascii_lowercase();
    let scheduler = if lower.contains("karras") { "karras" } else { "normal" };
    let base = lower.replace("karras", "").replace("++", "pp").trim().replace([' ', '-'], "_");
    let name = match base.as_str() {
        "euler_a" => "euler_ancestral".to_string(),
        "dpmpp_2m_sde" | "dpmpp_2m" | "euler" | "heun" | "lms" | "ddim" | "dpmpp_sde" => base,
        other if other.starts_with("dpm") => other.to_string(),
        _ => "euler".to_string(),
    };
    (name, scheduler)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txt2img() -> Vec<Stage> {
        serde_json::from_value(json!([
            {"type": "INPUT_INITIALIZE", "inputInitialize": {"seed": "-1", "count": 2}},
            {"type": "DIFFUSION", "diffusion": {"width": 512, "height": 768, "prompts": [{"text": "a cat"}],
             "sd_model": "600423083519508503", "sdVae": "Automatic", "sampler": "DPM++ 2M Karras", "steps": 25,
             "cfg_scale": 7, "lora": {"items": [{"loraModel": "648628718430054626", "weight": 0.7}]}}}
        ]))
        .unwrap()
    }

    #[test]
    fn txt2img_becomes_a_graph_with_the_planned_images() {
        let w = stages_to_workflow(&txt2img(), "req").unwrap();
        let plans = w.image_plans();
        assert_eq!((plans[0].width, plans[0].height, plans[0].count), (512, 768, 2));
        assert_eq!(w.nodes["5"].inputs["sampler_name"].value(), Some(&json!("dpmpp_2m")));
        assert_eq!(w.nodes["5"].inputs["scheduler"].value(), Some(&json!("karras")));
        assert_eq!(w.nodes["5"].link("model").unwrap().node, "10");
        assert!(w.execution_order().is_ok());
    }

    #[test]
    fn bad_sizes_and_missing_fields_are_code_3() {
        let mut stages = txt2img();
        stages[1].diffusion.as_mut().unwrap().width = 500;
        assert_eq!(stages_to_workflow(&stages, "r").unwrap_err().details[0]["field"], "stages[1].diffusion.width");
        let mut stages = txt2img();
        stages[1].diffusion.as_mut().unwrap().sd_vae.clear();
        assert_eq!(stages_to_workflow(&stages, "r").unwrap_err().code, 3);
        assert!(stages_to_workflow(&[], "r").is_err());
    }
}
