//! The read-only information routes: `/object_info` (easel-workflow's bundled core-node schemas,
//! with the model combos filled from a small demo catalogue and LoadImage's list from this
//! instance's uploads), `/models`, `/models/{folder}`, `/system_stats`, `/features`,
//! `/embeddings`, `/extensions`. Custom nodes, V3 schema keys beyond the V1 set, and the
//! `remote` combo form are left out: the bundled schemas do not carry them.

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::state::Comfy;
use super::upload::MAX_UPLOAD_BYTES;

/// The model files this demo server "has", by folder. The reference example names its models by
/// Tensor.Art ids; they are listed verbatim so that graph runs here unchanged.
pub const DEMO_MODELS: &[(&str, &[&str])] = &[
    ("checkpoints", &["664602165660323756", "sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"]),
    ("configs", &["v1-inference.yaml"]),
    ("loras", &["631627137633337321", "648628718430054626", "add_detail.safetensors"]),
    ("vae", &["sdxl_vae.safetensors", "vae-ft-mse-840000-ema-pruned.safetensors"]),
    ("text_encoders", &["clip_l.safetensors", "t5xxl_fp16.safetensors"]),
    ("diffusion_models", &["flux1-dev.safetensors"]),
    ("clip_vision", &["clip_vision_h.safetensors"]),
    ("controlnet", &["control_v11p_sd15_canny.pth"]),
    ("upscale_models", &["RealESRGAN_x4plus.pth"]),
    ("embeddings", &[]),
];

/// The model files of `folder`, if it is one.
pub fn folder_files(folder: &str) -> Option<&'static [&'static str]> {
    DEMO_MODELS.iter().find(|(f, _)| *f == folder).map(|(_, files)| *files)
}

/// The static part of `/object_info`: bundled schemas, model lists filled, newest V1 keys added.
fn base_object_info() -> &'static Map<String, Value> {
    static BASE: OnceLock<Map<String, Value>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut all: Map<String, Value> = serde_json::from_str(easel_workflow::BUNDLED_OBJECT_INFO).unwrap_or_default();
        for info in all.values_mut() {
            for group in ["required", "optional"] {
                let Some(inputs) = info.pointer_mut(&format!("/input/{group}")).and_then(Value::as_object_mut) else {
                    continue;
                };
                for spec in inputs.values_mut() {
                    fill_folder(spec);
                }
            }
            if let Some(info) = info.as_object_mut() {
                info.entry("is_input_list").or_insert(Value::Bool(false));
                info.entry("has_intermediate_output").or_insert(Value::Bool(false));
                info.entry("search_aliases").or_insert(json!([]));
            }
        }
        all
    })
}

/// `[[], {"folder": "loras"}]` (easel-workflow's marker) becomes `[[files...], {}]`: a real
/// server lists the folder's files and has no `folder` option.
fn fill_folder(spec: &mut Value) {
    let folder = spec.pointer("/1/folder").and_then(Value::as_str).map(str::to_string);
    let Some(folder) = folder else { return };
    let files = folder_files(&folder).unwrap_or(&[]);
    if let Some(options) = spec.get_mut(1).and_then(Value::as_object_mut) {
        options.remove("folder");
    }
    if let Some(list) = spec.get_mut(0) {
        *list = json!(files);
    }
}

/// `/object_info` as this instance serves it now (LoadImage lists its top-level input uploads).
pub fn object_info(comfy: &Comfy) -> Map<String, Value> {
    let mut uploads: Vec<String> = comfy
        .books()
        .uploads
        .iter()
        .filter(|((kind, subfolder, _), _)| kind == "input" && subfolder.is_empty())
        .map(|((_, _, name), _)| name.clone())
        .collect();
    uploads.sort();
    let mut all = base_object_info().clone();
    if let Some(custom) = &comfy.config.custom_nodes {
        all.extend(custom.iter().map(|(class, info)| (class.clone(), info.clone())));
    }
    for class in ["LoadImage", "LoadImageMask"] {
        if let Some(list) = all.get_mut(class).and_then(|c| c.pointer_mut("/input/required/image/0")) {
            *list = json!(uploads);
        }
    }
    all
}

/// The `[type, options]` pair of `class`'s input `name`, as `/object_info` shows it.
pub fn input_config(all: &Map<String, Value>, class: &str, name: &str) -> Value {
    let info = all.get(class);
    ["required", "optional"]
        .iter()
        .find_map(|group| info?.pointer(&format!("/input/{group}/{name}")))
        .cloned()
        .unwrap_or(Value::Null)
}

/// `GET /object_info`.
pub async fn get_object_info(State(comfy): State<Arc<Comfy>>) -> Json<Map<String, Value>> {
    Json(object_info(&comfy))
}

/// `GET /object_info/{class}`: `{}` for an unknown class, as the server answers.
pub async fn get_object_info_class(State(comfy): State<Arc<Comfy>>, Path(class): Path<String>) -> Json<Value> {
    let mut all = object_info(&comfy);
    Json(match all.remove(&class) {
        Some(info) => json!({ class: info }),
        None => json!({}),
    })
}

/// `GET /models`.
pub async fn get_models() -> Json<Vec<&'static str>> {
    Json(DEMO_MODELS.iter().map(|(folder, _)| *folder).collect())
}

/// `GET /models/{folder}`: 404 with an empty body for an unknown folder.
pub async fn get_model_folder(Path(folder): Path<String>) -> Response {
    match folder_files(&folder) {
        Some(files) => Json(files).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /embeddings`: none.
pub async fn get_embeddings() -> Json<Vec<String>> {
    Json(Vec::new())
}

/// `GET /extensions`: no frontend extensions.
pub async fn get_extensions() -> Json<Vec<String>> {
    Json(Vec::new())
}

/// `GET /features`: the newest server's feature flags.
pub async fn get_features() -> Json<Value> {
    Json(json!({"supports_preview_metadata": true, "max_upload_size": MAX_UPLOAD_BYTES}))
}

/// `GET /system_stats`: a CPU-only demo machine, with every key the official client requires.
pub async fn get_system_stats() -> Json<Value> {
    Json(json!({
        "system": {
            "os": std::env::consts::OS,
            "ram_total": 17_179_869_184u64,
            "ram_free": 8_589_934_592u64,
            "comfyui_version": "0.3.0-easel-emulator",
            "required_frontend_version": "",
            "python_version": "3.12.0 (easel emulator)",
            "pytorch_version": "none (easel emulator)",
            "embedded_python": false,
            "argv": ["easel", "emulator", "--flavor", "comfyui"]
        },
        "devices": [{
            "name": "cpu", "type": "cpu", "index": null,
            "vram_total": 0, "vram_free": 0, "torch_vram_total": 0, "torch_vram_free": 0
        }]
    }))
}
