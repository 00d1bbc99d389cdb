//! Other tools' `parameters` chunk (AUTOMATIC1111 text, Fooocus JSON) in the index's terms. The
//! parsing is easel-workflow's (`parse_a1111`, `parse_fooocus`, the same readers its PNG import
//! uses); this module only maps the settings they return onto `Extracted`: source, prompts,
//! seed, models and the values two images are compared by.

use std::collections::BTreeMap;

use easel_workflow::{parse_a1111, parse_fooocus, parse_json_lenient, Txt2Img};
use serde_json::{json, Map, Value};

use crate::metadata::{display_name, Extracted, MetadataSource, ModelRef};

/// Fills `out` from a `parameters` chunk: Fooocus when it is Fooocus JSON, A1111 otherwise.
/// JSON that is not Fooocus's is left alone; text without a settings line still counts as an
/// A1111 prompt, so it stays searchable.
pub(crate) fn read_parameters(text: &str, out: &mut Extracted) {
    if text.trim_start().starts_with('{') {
        if let Ok(value @ Value::Object(_)) = parse_json_lenient(text) {
            if let (Some(settings), Some(json)) = (parse_fooocus(&value), value.as_object()) {
                read_fooocus(&settings, json, out);
            }
        }
        return;
    }
    out.source = Some(MetadataSource::A1111);
    match parse_a1111(text) {
        Some((settings, _warnings)) => read_a1111(&settings, out),
        None => out.prompt = text.trim().to_string(),
    }
}

fn read_a1111(settings: &Txt2Img, out: &mut Extracted) {
    out.prompt.clone_from(&settings.prompt);
    out.negative.clone_from(&settings.negative);
    out.seed = settings.seed.and_then(|s| i64::try_from(s).ok());
    if let Some(model) = &settings.model {
        // A1111 writes the checkpoint's name without an extension: shown as written.
        out.models.push(ModelRef { kind: "checkpoint".into(), ident: model.clone(), name: model.clone() });
    }
    push_loras(settings, out);
    let mut params = BTreeMap::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            params.insert(key.to_string(), value);
        }
    };
    put("Steps", settings.steps.map(Value::from));
    put("Sampler", settings.sampler.clone().map(Value::from));
    put("Schedule type", settings.scheduler.clone().map(Value::from));
    put("CFG scale", settings.cfg.map(Value::from));
    put("Seed", settings.seed.map(Value::from));
    put("Size", settings.size.map(|(w, h)| json!(format!("{w}x{h}"))));
    put("Model", settings.model.clone().map(Value::from));
    put("Clip skip", settings.clip_skip.map(Value::from));
    for (name, weight) in &settings.loras {
        put(&format!("Lora {name}"), Some(Value::from(*weight)));
    }
    out.params.insert("parameters".into(), params);
}

/// Fooocus bakes its styles into `full_prompt`; the index keeps what the person typed
/// (`prompt`, `negative_prompt`) and the refiner, which `Txt2Img` has no place for.
fn read_fooocus(settings: &Txt2Img, json: &Map<String, Value>, out: &mut Extracted) {
    out.source = Some(MetadataSource::Fooocus);
    let text = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_string);
    out.prompt = text("prompt").unwrap_or_else(|| settings.prompt.clone());
    out.negative = text("negative_prompt").unwrap_or_else(|| settings.negative.clone());
    out.seed = settings.seed.and_then(|s| i64::try_from(s).ok());
    let refiner = text("refiner_model");
    for model in settings.model.iter().chain(&refiner).filter(|m| !m.is_empty() && *m != "None") {
        out.models.push(ModelRef { kind: "checkpoint".into(), ident: model.clone(), name: display_name(model) });
    }
    push_loras(settings, out);
    out.params.insert("fooocus".into(), json.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
}

fn push_loras(settings: &Txt2Img, out: &mut Extracted) {
    for (lora, _) in settings.loras.iter().filter(|(name, _)| !name.is_empty() && name != "None") {
        out.models.push(ModelRef { kind: "lora".into(), ident: lora.clone(), name: display_name(lora) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a1111_text() {
        let mut out = Extracted::default();
        let text =
            "photo of a duck <lora:ducky.safetensors:0.6>\nNegative prompt: monochrome\nSteps: 15, Sampler: UniPC, \
                    Seed: 235284042, Lora hashes: \"a: 1, b: 2\", Model: realistic_v2.0";
        read_parameters(text, &mut out);
        assert_eq!(out.source, Some(MetadataSource::A1111));
        assert_eq!((out.prompt.as_str(), out.negative.as_str()), ("photo of a duck", "monochrome"));
        assert_eq!(out.seed, Some(235_284_042));
        assert_eq!((out.models[0].ident.as_str(), out.models[0].name.as_str()), ("realistic_v2.0", "realistic_v2.0"));
        assert_eq!((out.models[1].kind.as_str(), out.models[1].name.as_str()), ("lora", "ducky"));
        assert_eq!(out.params["parameters"]["Seed"], 235_284_042);
        assert_eq!(out.params["parameters"]["Sampler"], "uni_pc");
    }

    #[test]
    fn text_without_settings_is_still_a_prompt() {
        let mut out = Extracted::default();
        read_parameters("just a prompt", &mut out);
        assert_eq!((out.source, out.prompt.as_str(), out.seed), (Some(MetadataSource::A1111), "just a prompt", None));
    }

    #[test]
    fn reads_fooocus_json() {
        let mut out = Extracted::default();
        read_parameters(
            r#"{"prompt": "a cat", "negative_prompt": "", "seed": "12", "base_model": "juggernaut.safetensors",
                "refiner_model": "None", "full_prompt": ["a cat, cinematic"], "loras": [["pets.safetensors", 0.5]]}"#,
            &mut out,
        );
        assert_eq!(out.source, Some(MetadataSource::Fooocus));
        assert_eq!((out.prompt.as_str(), out.seed), ("a cat", Some(12)));
        let names: Vec<_> = out.models.iter().map(|m| (m.kind.as_str(), m.name.as_str())).collect();
        assert_eq!(names, [("checkpoint", "juggernaut"), ("lora", "pets")]);
        assert_eq!(out.params["fooocus"]["seed"], "12");
    }

    #[test]
    fn other_json_is_not_fooocus() {
        let mut out = Extracted::default();
        read_parameters(r#"{"prompt": "a cat"}"#, &mut out);
        assert_eq!(out, Extracted::default());
    }
}
