//! Minimal readers for other tools' `parameters` text: AUTOMATIC1111's three-part string and
//! Fooocus's JSON. Only what the index needs (prompts, seed, model, the key/value parameters for
//! comparison). REPLACE with easel-workflow's PNG import once it reads these formats.

use serde_json::Value;

use crate::metadata::{display_name, Extracted, MetadataSource, ModelRef};

/// Fills `out` from a `parameters` chunk, deciding between Fooocus JSON and A1111 text.
pub(crate) fn read_parameters(text: &str, out: &mut Extracted) {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(json)) => read_fooocus(&json, out),
        _ => read_a1111(text, out),
    }
}

fn read_fooocus(json: &serde_json::Map<String, Value>, out: &mut Extracted) {
    out.source = Some(MetadataSource::Fooocus);
    let text = |k: &str| json.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    out.prompt = text("prompt");
    out.negative = text("negative_prompt");
    out.seed = json.get("seed").and_then(|s| s.as_i64().or_else(|| s.as_str()?.parse().ok()));
    for key in ["base_model", "refiner_model"] {
        let model = text(key);
        if !model.is_empty() && model != "None" {
            out.models.push(ModelRef { kind: "checkpoint".into(), name: display_name(&model), ident: model });
        }
    }
    if let Some(Value::Array(loras)) = json.get("loras") {
        for lora in loras.iter().filter_map(|l| l.get(0).and_then(Value::as_str)) {
            out.models.push(ModelRef { kind: "lora".into(), ident: lora.to_string(), name: display_name(lora) });
        }
    }
    out.params.insert("fooocus".into(), json.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
}

/// `prompt\nNegative prompt: neg\nSteps: 20, Sampler: Euler a, Seed: 1, Model: name, ...`
fn read_a1111(text: &str, out: &mut Extracted) {
    out.source = Some(MetadataSource::A1111);
    let (body, settings) = match text.rfind("\nSteps: ") {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, ""),
    };
    match body.split_once("\nNegative prompt:") {
        Some((positive, negative)) => {
            out.prompt = positive.trim().to_string();
            out.negative = negative.trim().to_string();
        }
        None => out.prompt = body.trim().to_string(),
    }
    let mut params = std::collections::BTreeMap::new();
    // Values may be quoted and contain commas (`Lora hashes: "a: 1, b: 2"`); split outside quotes.
    for pair in split_outside_quotes(settings) {
        let Some((key, value)) = pair.split_once(':') else { continue };
        let (key, value) = (key.trim(), value.trim().trim_matches('"'));
        match key {
            "Seed" => out.seed = value.parse().ok(),
            "Model" => out.models.push(ModelRef { kind: "checkpoint".into(), ident: value.into(), name: value.into() }),
            _ => {}
        }
        params.insert(key.to_string(), Value::String(value.to_string()));
    }
    out.params.insert("parameters".into(), params);
}

fn split_outside_quotes(text: &str) -> Vec<&str> {
    let (mut parts, mut start, mut quoted) = (Vec::new(), 0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a1111_text() {
        let mut out = Extracted::default();
        let text = "photo of a duck\nNegative prompt: monochrome\nSteps: 15, Sampler: UniPC, Seed: 235284042, \
                    Lora hashes: \"a: 1, b: 2\", Model: realistic_v20";
        read_parameters(text, &mut out);
        assert_eq!(out.source, Some(MetadataSource::A1111));
        assert_eq!((out.prompt.as_str(), out.negative.as_str()), ("photo of a duck", "monochrome"));
        assert_eq!(out.seed, Some(235_284_042));
        assert_eq!(out.models[0].ident, "realistic_v20");
        assert_eq!(out.params["parameters"]["Lora hashes"], "a: 1, b: 2");
    }

    #[test]
    fn reads_fooocus_json() {
        let mut out = Extracted::default();
        read_parameters(
            r#"{"prompt": "a cat", "negative_prompt": "", "seed": "12", "base_model": "juggernaut"}"#,
            &mut out,
        );
        assert_eq!(out.source, Some(MetadataSource::Fooocus));
        assert_eq!((out.prompt.as_str(), out.seed), ("a cat", Some(12)));
        assert_eq!(out.models[0].name, "juggernaut");
    }
}
