//! A small catalogue of model metadata for `GET /v1/models/{id}`: the checkpoint and the two
//! LoRAs of the reference example plus a few more, described honestly as demo entries. The
//! names are placeholders; only the ids and kinds matter to Easel. Each has one showcase picture,
//! a 256×256 placeholder served by the emulator itself at `/showcase/{id}.png` (no auth, like
//! the CDN URLs the service hands out).

use serde_json::{json, Value};

/// (id, name, base model, model type).
const CATALOGUE: &[(u64, &str, &str, &str)] = &[
    (664_602_165_660_323_756, "Demo anime checkpoint (reference example)", "SD 1.5", "CHECKPOINT"),
    (648_628_718_430_054_626, "Demo character LoRA (reference example)", "SD 1.5", "LORA"),
    (631_627_137_633_337_321, "Demo style LoRA (reference example)", "SD 1.5", "LORA"),
    (600_423_083_519_508_503, "Demo realistic checkpoint", "SD 1.5", "CHECKPOINT"),
    (757_279_507_095_956_705, "Demo SDXL checkpoint", "SDXL 1.0", "CHECKPOINT"),
    (619_225_630_271_212_879, "Demo VAE", "SD 1.5", "OTHER"),
    (702_113_540_908_317_210, "Demo SDXL VAE", "SDXL 1.0", "OTHER"),
    (715_548_209_336_081_772, "Demo SDXL LoRA", "SDXL 1.0", "LORA"),
    (688_310_920_114_605_417, "Demo canny ControlNet", "SD 1.5", "CONTROLNET"),
    (671_905_338_224_519_006, "Demo 4x upscaler", "Other", "OTHER"),
];

/// The Tensor.Art type (`CHECKPOINT`, `LORA`...) of a catalogue model.
pub fn model_type(id: u64) -> Option<&'static str> {
    CATALOGUE.iter().find(|(m, ..)| *m == id).map(|(.., kind)| *kind)
}

/// The `{"model": ...}` body for `id`, if the catalogue has it; `base_url` is the emulator's own.
pub fn model_json(id: u64, base_url: &str) -> Option<Value> {
    let (id, name, base, kind) = CATALOGUE.iter().find(|(m, ..)| *m == id)?;
    Some(json!({"model": {
        "id": id.to_string(),
        "name": name,
        "description": "A placeholder entry served by the Easel emulator; no weights exist behind it.",
        "baseModel": base,
        "modelType": kind,
        "projectName": name,
        "showcaseImageUrls": [format!("{base_url}/showcase/{id}.png")],
    }}))
}

/// The showcase picture of a catalogue model: its name on a gradient keyed by the id.
pub fn showcase_png(id: u64) -> Option<Result<Vec<u8>, String>> {
    let (id, name, base, kind) = CATALOGUE.iter().find(|(m, ..)| *m == id)?;
    let picture = crate::render::Picture {
        width: 256,
        height: 256,
        key: *id,
        caption: vec![kind.to_string(), base.to_string(), name.chars().take(28).collect()],
        prompt_json: "{}".into(),
    };
    Some(crate::render::render_png(&picture))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_ids_are_known_and_ids_are_strings() {
        let ckpt = model_json(664_602_165_660_323_756, "http://x").unwrap();
        assert_eq!(ckpt["model"]["showcaseImageUrls"][0], "http://x/showcase/664602165660323756.png");
        assert!(showcase_png(664_602_165_660_323_756).unwrap().unwrap().starts_with(b"\x89PNG"));
        assert!(showcase_png(1).is_none());
        assert_eq!(ckpt["model"]["id"], "664602165660323756");
        assert_eq!(ckpt["model"]["modelType"], "CHECKPOINT");
        assert_eq!(model_json(631_627_137_633_337_321, "").unwrap()["model"]["modelType"], "LORA");
        assert!(model_json(1, "").is_none());
    }
}
