//! Fooocus metadata: a JSON object in the `parameters` chunk (with `fooocus_scheme`), read into
//! `Txt2Img`. Fooocus styles and prompt expansion are already baked into `full_prompt`, which is
//! used when present; its refiner and ADM guidance have no ComfyUI core equivalent and are left out.

use serde_json::Value;

use crate::txt2img::{comfy_sampler, Txt2Img};

/// Reads Fooocus JSON; `None` when it lacks the fields Fooocus always writes.
pub fn parse_fooocus(v: &Value) -> Option<Txt2Img> {
    v.get("metadata_scheme").or_else(|| v.get("base_model"))?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let first = |k: &str| match v.get(k) {
        Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
        _ => None,
    };
    let num = |k: &str| v.get(k).and_then(|x| x.as_f64().or_else(|| x.as_str()?.parse().ok()));
    let size = text("resolution").and_then(|r| {
        let (w, h) = r.trim_matches(['(', ')']).split_once(',')?;
        Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
    });
    let (sampler, sched) = text("sampler").map(|s| comfy_sampler(&s)).unzip();
    let loras = v
        .get("loras")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| Some((l.get(0)?.as_str()?.to_string(), l.get(1).and_then(Value::as_f64).unwrap_or(1.0))))
        .collect();
    Some(Txt2Img {
        prompt: first("full_prompt").or_else(|| text("prompt")).unwrap_or_default(),
        negative: first("full_negative_prompt").or_else(|| text("negative_prompt")).unwrap_or_default(),
        model: text("base_model"),
        loras,
        steps: num("steps").map(|s| s as u64),
        cfg: num("guidance_scale"),
        seed: v.get("seed").and_then(|s| s.as_u64().or_else(|| s.as_str()?.parse().ok())),
        sampler,
        scheduler: text("scheduler").or(sched.flatten()),
        size,
        clip_skip: num("clip_skip").map(|c| c as i64),
    })
}
