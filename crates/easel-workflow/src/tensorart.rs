//! Tensor.Art website graphs use their own loader class and wrap model ids in file names
//! (`ECHOCheckpointLoaderSimple`, `ckpt_name: "EMS-<id>-EMS.safetensors"`). TAMS expects the
//! stock class and the bare id, so imports are normalised here, with a warning per change.
//! Ids inside free text (e.g. `<lora:EMS-1-EMS.safetensors:0.6>` tags) are left alone. PNGs
//! made on the website also carry a `generation_data` text chunk, JSON with a `models` list; its
//! entries name each model's id beside its file or label, so model inputs holding those names
//! come in as ids. The shape of that chunk is inferred (no public document describes it): an
//! entry's id is read from `modelId`, `modelFileId` or `id`, its names from `modelFileName`,
//! `fileName`, `label`, `name` or `modelName`.

use serde_json::Value;

use crate::{Imported, Input};

/// Tensor.Art class -> stock ComfyUI class.
const CLASS_MAP: &[(&str, &str)] = &[("ECHOCheckpointLoaderSimple", "CheckpointLoaderSimple")];

/// `EMS-<digits>-EMS.safetensors` (or without extension) -> `<digits>`.
pub fn ems_model_id(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("EMS-")?;
    let inner = inner.strip_suffix(".safetensors").unwrap_or(inner).strip_suffix("-EMS")?;
    (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit())).then_some(inner)
}

/// The stock class a Tensor.Art class is read as (itself for every other class).
pub(crate) fn stock_class(class: &str) -> &str {
    CLASS_MAP.iter().find(|(from, _)| *from == class).map_or(class, |(_, stock)| stock)
}

pub(crate) fn normalise(imported: &mut Imported) {
    for (id, node) in imported.workflow.nodes.iter_mut() {
        if let Some((_, stock)) = CLASS_MAP.iter().find(|(from, _)| *from == node.class_type) {
            imported.warnings.push(format!("node {id}: Tensor.Art class {} read as {stock}", node.class_type));
            node.class_type = stock.to_string();
        }
        for (name, input) in node.inputs.iter_mut() {
            if let Input::Value(Value::String(s)) = input {
                if let Some(model) = ems_model_id(s) {
                    imported
                        .warnings
                        .push(format!("node {id}, input `{name}`: Tensor.Art file {s} read as model id {model}"));
                    *s = model.to_string();
                }
            }
        }
    }
}

/// Entries of a `generation_data` chunk that are read; the rest are ignored.
const MAX_GENERATION_MODELS: usize = 256;

/// Maps model inputs named in `generation_data`'s `models` list to their ids, with a warning
/// per change; text that is not such JSON is ignored with a warning.
pub(crate) fn apply_generation_data(imported: &mut Imported, text: &str) {
    let Ok(data) = crate::lenient::parse(text) else {
        imported.warnings.push("PNG chunk `generation_data` is not readable JSON; ignored".into());
        return;
    };
    let Some(models) = data.get("models").and_then(Value::as_array) else { return };
    let read = |entry: &Value, keys: &[&str]| -> Vec<String> {
        keys.iter()
            .filter_map(|k| match entry.get(*k)? {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    };
    let mut known: Vec<(Vec<String>, String)> = Vec::new();
    for entry in models.iter().take(MAX_GENERATION_MODELS) {
        let Some(id) = read(entry, &["modelId", "modelFileId", "id"]).into_iter().find(|i| crate::is_model_id(i))
        else {
            continue;
        };
        let names = read(entry, &["modelFileName", "fileName", "label", "name", "modelName"]);
        known.push((names, id));
    }
    let inputs = crate::Schemas::bundled().model_inputs(&imported.workflow);
    for input in inputs.into_iter().filter(|m| !m.is_id()) {
        let stem = input.value.rsplit(['/', '\\']).next().unwrap_or(&input.value);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let Some((_, id)) = known.iter().find(|(names, _)| names.iter().any(|n| *n == input.value || n == stem)) else {
            continue;
        };
        if let Some(node) = imported.workflow.nodes.get_mut(&input.node_id) {
            node.inputs.insert(input.input.clone(), Input::Value(Value::String(id.clone())));
            imported.warnings.push(format!(
                "node {}, input `{}`: {} read as model id {id} (from the PNG's generation_data)",
                input.node_id, input.input, input.value
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Workflow;

    #[test]
    fn generation_data_maps_named_models_to_their_ids() {
        let text = r#"{"4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"dreamshaper_8.safetensors"}},
                       "10":{"class_type":"LoraLoader","inputs":{"lora_name":"detail.safetensors","model":["4",0],"clip":["4",1]}},
                       "11":{"class_type":"VAELoader","inputs":{"vae_name":"other.safetensors"}}}"#;
        let mut imported = Workflow::from_json_str(text).unwrap();
        let data = r#"{"models":[{"modelId":"600423083519508503","modelFileName":"dreamshaper_8.safetensors","type":"BASE_MODEL"},
                                 {"modelFileId":648628718430054626,"label":"detail","type":"LORA"},
                                 {"modelId":"not-an-id","modelFileName":"other.safetensors"}]}"#;
        super::apply_generation_data(&mut imported, data);
        let value = |id: &str, input: &str| imported.workflow.nodes[id].inputs[input].value().unwrap().clone();
        assert_eq!(value("4", "ckpt_name"), "600423083519508503");
        assert_eq!(value("10", "lora_name"), "648628718430054626", "matched by its label and the file stem");
        assert_eq!(value("11", "vae_name"), "other.safetensors", "an entry without an id maps nothing");
        assert_eq!(imported.warnings.iter().filter(|w| w.contains("generation_data")).count(), 2);
        super::apply_generation_data(&mut imported, "not json {");
        assert!(imported.warnings.last().unwrap().contains("not readable JSON"));
    }

    #[test]
    fn tensor_art_loader_and_ids_are_normalised() {
        let text = r#"{"10001":{"class_type":"ECHOCheckpointLoaderSimple","inputs":{"ckpt_name":"EMS-1045417-EMS.safetensors"}},
                       "10002":{"class_type":"LoraTagLoader","inputs":{"text":"<lora:EMS-5-EMS.safetensors:0.6>"}}}"#;
        let imported = Workflow::from_json_str(text).unwrap();
        let node = &imported.workflow.nodes["10001"];
        assert_eq!(node.class_type, "CheckpointLoaderSimple");
        assert_eq!(node.inputs["ckpt_name"].value().unwrap(), "1045417");
        assert_eq!(
            imported.workflow.nodes["10002"].inputs["text"].value().unwrap(),
            "<lora:EMS-5-EMS.safetensors:0.6>"
        );
        assert_eq!(imported.warnings.len(), 2);
    }
}
