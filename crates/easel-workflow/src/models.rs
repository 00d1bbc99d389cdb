//! The inputs of a graph that name a model (checkpoints, LoRAs, VAEs, ControlNets, upscalers,
//! UNETs, CLIPs: every input whose schema reads a model folder, or whose name says so for a
//! class without schema), and the rules Tensor.Art sets on them: a model input holds a Tensor.Art
//! model id (a decimal uint64 string), never a file name, and the id must name a model of a type
//! that fits the input. What it leaves out: where mappings from file names to ids are kept and
//! how a model's type is looked up (the engine does both).

use serde::Serialize;
use ts_rs::TS;

use crate::problem::{Problem, Severity};
use crate::schema::InputSpec;
use crate::{Input, Schemas, Workflow};

/// Digits in the longest uint64 (18,446,744,073,709,551,615).
pub const MODEL_ID_MAX_DIGITS: usize = 20;

/// One literal input of a graph that names a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelInput {
    /// Node id.
    pub node_id: String,
    /// The node's title (its class's display name when untitled).
    pub node_title: String,
    /// The node's class.
    pub class_type: String,
    /// Input name (`ckpt_name`, `lora_name`...).
    pub input: String,
    /// Model family: `checkpoint`, `lora`, `vae`, `controlnet`, `upscale`, `clip`,
    /// `clip_vision`, `unet`, `config`, or `model` for another folder.
    pub kind: String,
    /// The value the graph holds: a file name or a model id.
    pub value: String,
}

impl ModelInput {
    /// True when the value is already a Tensor.Art model id.
    pub fn is_id(&self) -> bool {
        is_model_id(&self.value)
    }

    /// The located error for a value Tensor.Art cannot take, saying what to do.
    pub fn unmapped_problem(&self) -> Problem {
        Problem {
            severity: Severity::Error,
            code: "unmappedModel".into(),
            node_id: Some(self.node_id.clone()),
            node_title: Some(self.node_title.clone()),
            class_type: Some(self.class_type.clone()),
            input: Some(self.input.clone()),
            message: format!(
                "\"{}\" is a file name, but Tensor.Art takes a model id here: map it to a Tensor.Art {} (paste the model page URL or its id)",
                self.value, self.kind
            ),
        }
    }
}

/// True for a Tensor.Art model id: 1 to 20 ASCII digits that fit a uint64.
pub fn is_model_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MODEL_ID_MAX_DIGITS
        && value.bytes().all(|b| b.is_ascii_digit())
        && value.parse::<u64>().is_ok()
}

/// The model id in what a person pasted: an id, or a Tensor.Art model page URL
/// (`https://tensor.art/models/600423083519508503`, with or without a version path, query or
/// fragment). `None` when neither is recognised.
pub fn parse_model_reference(text: &str) -> Option<String> {
    let text = text.trim();
    if is_model_id(text) {
        return Some(text.to_string());
    }
    let (_, path) = text.split_once("/models/")?;
    let id: String = path.chars().take_while(char::is_ascii_digit).collect();
    is_model_id(&id).then_some(id)
}

/// Whether a Tensor.Art model of `model_type` (`CHECKPOINT`, `LORA`...) fits an input of family
/// `kind`. Tensor.Art's type list has no VAE, upscaler, text encoder or UNET entry, so those take
/// `OTHER` or `DEFAULT`, and a UNET loader may also take a checkpoint (inferred: the reference
/// lists the types, not which loader takes which).
pub fn model_fits(kind: &str, model_type: &str) -> bool {
    let accepted: &[&str] = match kind {
        "checkpoint" => &["CHECKPOINT", "DEFAULT"],
        "lora" => &["LORA", "LOCON", "LYCORIS"],
        "controlnet" => &["CONTROLNET"],
        "unet" => &["CHECKPOINT", "OTHER", "DEFAULT"],
        _ => &["OTHER", "DEFAULT"],
    };
    accepted.contains(&model_type)
}

/// The model family an input names, from its schema folder.
pub(crate) fn kind_by_folder(spec: &InputSpec) -> Option<&'static str> {
    Some(match spec.folder.as_deref()? {
        "checkpoints" => "checkpoint",
        "loras" => "lora",
        "vae" => "vae",
        "controlnet" => "controlnet",
        "upscale_models" => "upscale",
        "text_encoders" | "clip" => "clip",
        "clip_vision" => "clip_vision",
        "diffusion_models" | "unet" => "unet",
        "configs" => "config",
        _ => "model",
    })
}

/// The model family an input names by the stock input names, for classes whose schema does not
/// say (custom loaders reuse the names).
pub(crate) fn kind_by_name(name: &str, class_type: &str) -> Option<&'static str> {
    Some(match name {
        "ckpt_name" => "checkpoint",
        "lora_name" => "lora",
        "vae_name" => "vae",
        "control_net_name" => "controlnet",
        "unet_name" => "unet",
        "clip_name" if class_type.contains("Vision") => "clip_vision",
        "clip_name" | "clip_name1" | "clip_name2" | "clip_name3" | "clip_name4" => "clip",
        "model_name" if class_type.contains("Upscale") => "upscale",
        _ => return None,
    })
}

impl Schemas {
    /// Every literal string input that names a model, nodes in file order. Config files
    /// (`config_name`) are left out: they are not models a service hosts.
    pub fn model_inputs(&self, workflow: &Workflow) -> Vec<ModelInput> {
        let mut out = Vec::new();
        for (id, node) in &workflow.nodes {
            let schema = self.resolve(node);
            for (name, input) in &node.inputs {
                let Input::Value(serde_json::Value::String(value)) = input else { continue };
                let kind = schema.input(name).and_then(kind_by_folder).or_else(|| kind_by_name(name, &node.class_type));
                let Some(kind) = kind.filter(|k| *k != "config") else { continue };
                out.push(ModelInput {
                    node_id: id.clone(),
                    node_title: node.title.clone().unwrap_or_else(|| schema.display_name.clone()),
                    class_type: node.class_type.clone(),
                    input: name.clone(),
                    kind: kind.to_string(),
                    value: value.clone(),
                });
            }
        }
        out
    }

    /// The located error of every model input that holds a file name rather than a model id.
    pub fn unmapped_models(&self, workflow: &Workflow) -> Vec<Problem> {
        self.model_inputs(workflow).iter().filter(|m| !m.is_id()).map(ModelInput::unmapped_problem).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_digit_strings_that_fit_a_u64() {
        assert!(is_model_id("664602165660323756"));
        assert!(is_model_id("1"));
        assert!(!is_model_id(""));
        assert!(!is_model_id("v1-5-pruned-emaonly.safetensors"));
        assert!(!is_model_id("99999999999999999999"), "above u64::MAX");
        assert!(!is_model_id("+12"));
        assert!(!is_model_id("１２"), "full-width digits are not ASCII");
    }

    #[test]
    fn a_pasted_url_or_id_gives_the_id() {
        assert_eq!(parse_model_reference(" 600423083519508503 ").as_deref(), Some("600423083519508503"));
        assert_eq!(
            parse_model_reference("https://tensor.art/models/600423083519508503/Some-Model-v2?source=x").as_deref(),
            Some("600423083519508503")
        );
        assert_eq!(parse_model_reference("https://tensor.art/models/abc"), None);
        assert_eq!(parse_model_reference("model.safetensors"), None);
    }

    #[test]
    fn types_fit_their_loaders() {
        assert!(model_fits("checkpoint", "CHECKPOINT"));
        assert!(!model_fits("checkpoint", "LORA"));
        assert!(model_fits("lora", "LYCORIS"));
        assert!(!model_fits("lora", "CHECKPOINT"));
        assert!(model_fits("vae", "OTHER"));
        assert!(!model_fits("vae", "LORA"));
    }

    #[test]
    fn model_inputs_come_from_folders_and_stock_names() {
        let text = r#"{
            "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
            "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "648628718430054626", "model": ["4", 0], "clip": ["4", 1]}},
            "11": {"class_type": "MyCustomLoader", "inputs": {"vae_name": "sdxl_vae.safetensors"}},
            "12": {"class_type": "CheckpointLoader", "inputs": {"config_name": "v1.yaml", "ckpt_name": "a.ckpt"}},
            "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "ckpt_name", "clip": ["4", 1]}}
        }"#;
        let workflow = Workflow::from_json_str(text).unwrap().workflow;
        let inputs = Schemas::bundled().model_inputs(&workflow);
        let found: Vec<_> = inputs.iter().map(|m| (m.node_id.as_str(), m.kind.as_str(), m.is_id())).collect();
        assert_eq!(
            found,
            [("4", "checkpoint", false), ("10", "lora", true), ("11", "vae", false), ("12", "checkpoint", false)]
        );
        let problems = Schemas::bundled().unmapped_models(&workflow);
        assert_eq!(problems.len(), 3);
        assert_eq!(problems[0].code, "unmappedModel");
        assert_eq!(problems[0].input.as_deref(), Some("ckpt_name"));
        assert!(problems[0].message.contains("v1-5-pruned-emaonly.safetensors"), "{}", problems[0].message);
        assert!(problems[0].message.contains("model page URL"));
    }
}
