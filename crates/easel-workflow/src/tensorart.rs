//! Tensor.Art website graphs use their own loader class and wrap model ids in file names
//! (`ECHOCheckpointLoaderSimple`, `ckpt_name: "EMS-<id>-EMS.safetensors"`). TAMS expects the
//! stock class and the bare id, so imports are normalised here, with a warning per change.
//! Ids inside free text (e.g. `<lora:EMS-1-EMS.safetensors:0.6>` tags) are left alone.

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

#[cfg(test)]
mod tests {
    use crate::Workflow;

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
