//! A1111-style `parameters` text (also written by ComfyUI's Image Saver and many other tools):
//! prompt lines, a `Negative prompt:` section, and a last line of `Key: value` settings. Read
//! into `Txt2Img`; `<lora:name:weight>` tags become LoRA loaders. Hires and refiner settings
//! are reported but not rebuilt.

use crate::txt2img::{comfy_sampler, Txt2Img};

/// Parses A1111 `parameters` text; `None` when it does not look like generation settings.
pub fn parse_a1111(text: &str) -> Option<(Txt2Img, Vec<String>)> {
    let text = text.trim();
    let (body, settings_line) = match text.rsplit_once('\n') {
        Some((body, last)) if settings(last).len() >= 3 => (body, last),
        _ if settings(text).len() >= 3 && !text.contains('\n') => ("", text),
        _ => return None,
    };
    let (prompt, negative) = match body.find("Negative prompt:") {
        Some(at) => (&body[..at], body[at + "Negative prompt:".len()..].trim()),
        None => (body, ""),
    };
    let (prompt, loras) = strip_loras(prompt.trim());
    let mut out = Txt2Img { prompt, negative: negative.to_string(), loras, ..Txt2Img::default() };
    let mut warnings = Vec::new();
    for (key, value) in settings(settings_line) {
        match key.as_str() {
            "Steps" => out.steps = value.parse().ok(),
            "CFG scale" => out.cfg = value.parse().ok(),
            "Seed" => out.seed = value.parse().ok(),
            "Sampler" => {
                let (name, sched) = comfy_sampler(&value);
                out.sampler = Some(name);
                out.scheduler = out.scheduler.take().or(sched);
            }
            "Schedule type" => out.scheduler = Some(value.to_lowercase().replace(' ', "_")),
            "Size" => {
                out.size =
                    value.split_once('x').and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)))
            }
            "Model" => out.model = Some(value),
            "Clip skip" => out.clip_skip = value.parse().ok(),
            k if k.starts_with("Hires") || k == "Denoising strength" || k.starts_with("Refiner") => {
                warnings.push(format!("A1111 setting `{k}: {value}` is not rebuilt (text-to-image pass only)"))
            }
            _ => {}
        }
    }
    if out.model.is_none() {
        warnings.push("A1111 parameters name no model; the checkpoint is left empty".into());
    }
    Some((out, warnings))
}

/// `Key: value` pairs of a settings line; values may be quoted or `{...}` JSON.
fn settings(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        let Some(colon) = rest.find(": ") else { break };
        let key = rest[..colon].trim().to_string();
        if key.is_empty() || key.len() > 40 || !key.chars().all(|c| c.is_alphanumeric() || " -/_".contains(c)) {
            break;
        }
        rest = &rest[colon + 2..];
        let end = match rest.chars().next() {
            Some('"') => rest[1..].find('"').map(|i| i + 2),
            Some('{') => rest.find('}').map(|i| i + 1),
            _ => None,
        }
        .or_else(|| rest.find(", "))
        .unwrap_or(rest.len());
        out.push((key, rest[..end].trim_matches('"').to_string()));
        rest = rest[end..].trim_start_matches([',', ' ']);
    }
    out
}

/// Removes `<lora:name:weight...>` tags from a prompt and returns them.
fn strip_loras(prompt: &str) -> (String, Vec<(String, f64)>) {
    let mut loras = Vec::new();
    let mut out = String::with_capacity(prompt.len());
    let mut rest = prompt;
    while let Some(start) = rest.find("<lora:") {
        let Some(len) = rest[start..].find('>') else { break };
        out.push_str(&rest[..start]);
        let mut parts = rest[start + 6..start + len].split(':');
        let name = parts.next().unwrap_or_default().to_string();
        let weight = parts.next().and_then(|w| w.parse().ok()).unwrap_or(1.0);
        loras.push((name, weight));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    (out.trim().to_string(), loras)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prompt_negative_and_settings() {
        let text = "photo of a duck <lora:ducky:0.6>\nNegative prompt: monochrome\nSteps: 15, Sampler: DPM++ 2M Karras, CFG scale: 5, Seed: 235284042, Size: 512x400, Hashes: {\"a\": \"b, c\"}, Model: rv20";
        let (p, _) = parse_a1111(text).unwrap();
        assert_eq!(p.prompt, "photo of a duck");
        assert_eq!(p.negative, "monochrome");
        assert_eq!(p.loras, [("ducky".to_string(), 0.6)]);
        assert_eq!((p.steps, p.seed, p.size), (Some(15), Some(235284042), Some((512, 400))));
        assert_eq!((p.sampler.as_deref(), p.scheduler.as_deref()), (Some("dpmpp_2m"), Some("karras")));
        assert_eq!(p.model.as_deref(), Some("rv20"));
        assert!(parse_a1111("just some words").is_none());
    }
}
