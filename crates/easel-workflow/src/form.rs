//! The editable fields of a workflow, for generated forms: one per literal input, with the
//! widget hint (seed, prompt, number, combo, image, model id...), constraints and default from
//! the node schema. Linked inputs are not fields. Exposed fields are the subset a favourite
//! stores, in the same shape as TAMS template `fieldAttrs`, and can be applied back to a graph.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::models::{kind_by_folder, kind_by_name};
use crate::schema::{InputSpec, InputType, Schemas};
use crate::{Input, Workflow, WorkflowError};

/// Which widget a form should show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldKind {
    /// A seed (whole number with randomise controls).
    Seed,
    /// Multi-line prompt text.
    Prompt,
    /// Decimal number.
    Number,
    /// Whole number.
    Integer,
    /// A choice from `options`.
    Combo,
    /// One-line text.
    Text,
    /// True/false.
    Boolean,
    /// An input image (file name, URL or TAMS resource id).
    Image,
    /// A TAMS model id (decimal string).
    Model,
}

/// One editable input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FormField {
    /// Node id.
    pub node_id: String,
    /// Node title (class display name when untitled).
    pub node_title: String,
    /// Node class.
    pub class_type: String,
    /// Input name.
    pub input: String,
    /// Widget hint.
    pub kind: FieldKind,
    /// Current value.
    #[ts(type = "unknown")]
    pub value: Value,
    /// Schema default.
    #[ts(type = "unknown")]
    pub default: Option<Value>,
    /// Lower bound.
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Increment.
    pub step: Option<f64>,
    /// Choices for combos.
    pub options: Vec<String>,
    /// Text area rather than one line.
    pub multiline: bool,
    /// For model fields: checkpoint, lora, vae, controlnet, upscale, clip, clip_vision, unet...
    pub model_type: Option<String>,
    /// The schema requires the input.
    pub required: bool,
}

/// A field a favourite exposes; the shape of TAMS template `fieldAttrs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExposedField {
    /// Node id.
    pub node_id: String,
    /// Input name.
    pub field_name: String,
    /// Value to apply.
    #[ts(type = "unknown")]
    pub field_value: Value,
    /// The node's class.
    pub node_name: Option<String>,
    /// A label for people.
    pub label: Option<String>,
}

impl Schemas {
    /// One field per literal input of every node, nodes in execution order (file order when the
    /// graph has a cycle).
    pub fn form_fields(&self, workflow: &Workflow) -> Vec<FormField> {
        let order = workflow.execution_order().unwrap_or_else(|_| workflow.nodes.keys().cloned().collect());
        let mut out = Vec::new();
        for id in order {
            let Some(node) = workflow.nodes.get(&id) else { continue };
            let schema = self.resolve(node);
            // Looked up by name once per node: a schema inferred from a node with k inputs has k
            // specs, and a scan per input would make one wide node cost k squared.
            let mut specs: HashMap<&str, &InputSpec> = HashMap::with_capacity(schema.inputs.len());
            for spec in &schema.inputs {
                specs.entry(spec.name.as_str()).or_insert(spec);
            }
            for (name, input) in &node.inputs {
                let Input::Value(value) = input else { continue };
                let fallback;
                let spec = match specs.get(name.as_str()).copied() {
                    Some(s) => s,
                    None => {
                        fallback = inferred_spec(name, value);
                        &fallback
                    }
                };
                if matches!(spec.kind, InputType::Link(_)) && !schema.inferred {
                    continue;
                }
                let model = kind_by_folder(spec).or_else(|| kind_by_name(name, &node.class_type));
                let kind = field_kind(spec, value, model.is_some());
                out.push(FormField {
                    node_id: id.clone(),
                    node_title: node.title.clone().unwrap_or_else(|| schema.display_name.clone()),
                    class_type: node.class_type.clone(),
                    input: name.clone(),
                    kind,
                    value: value.clone(),
                    default: spec.default.clone(),
                    min: spec.min,
                    max: spec.max,
                    step: spec.step,
                    options: spec.options.clone(),
                    multiline: spec.multiline || kind == FieldKind::Prompt,
                    model_type: model.map(str::to_string),
                    required: spec.required,
                });
            }
        }
        out
    }

    /// The fields a favourite exposes by default: prompts, seeds and input images.
    pub fn default_exposed(&self, workflow: &Workflow) -> Vec<ExposedField> {
        self.form_fields(workflow)
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Prompt | FieldKind::Seed | FieldKind::Image))
            .map(ExposedField::from)
            .collect()
    }
}

fn inferred_spec(name: &str, value: &Value) -> InputSpec {
    InputSpec {
        name: name.into(),
        required: false,
        kind: crate::schema::value_type(value),
        default: None,
        min: None,
        max: None,
        step: None,
        options: Vec::new(),
        multiline: value.as_str().is_some_and(|s| s.contains('\n')),
        image_upload: false,
        control_after_generate: false,
        force_input: false,
        folder: None,
    }
}

fn field_kind(spec: &InputSpec, value: &Value, is_model: bool) -> FieldKind {
    let seed_name = matches!(spec.name.as_str(), "seed" | "noise_seed");
    match &spec.kind {
        _ if is_model => FieldKind::Model,
        InputType::Combo if spec.image_upload => FieldKind::Image,
        InputType::Int if spec.control_after_generate || seed_name => FieldKind::Seed,
        InputType::Int => FieldKind::Integer,
        InputType::Float => FieldKind::Number,
        InputType::Boolean => FieldKind::Boolean,
        InputType::Combo => FieldKind::Combo,
        InputType::String if spec.multiline => FieldKind::Prompt,
        InputType::String if spec.name == "image" => FieldKind::Image,
        InputType::String => FieldKind::Text,
        InputType::Link(_) => match value {
            Value::Number(n) if seed_name && (n.is_u64() || n.is_i64()) => FieldKind::Seed,
            Value::Number(n) if n.is_u64() || n.is_i64() => FieldKind::Integer,
            Value::Number(_) => FieldKind::Number,
            Value::Bool(_) => FieldKind::Boolean,
            _ => FieldKind::Text,
        },
    }
}

impl From<&FormField> for ExposedField {
    fn from(f: &FormField) -> Self {
        ExposedField {
            node_id: f.node_id.clone(),
            field_name: f.input.clone(),
            field_value: f.value.clone(),
            node_name: Some(f.class_type.clone()),
            label: Some(format!("{} · {}", f.node_title, f.input)),
        }
    }
}

impl Workflow {
    /// Writes exposed field values into the graph; a missing node or a linked input is an error.
    pub fn apply_exposed(&mut self, fields: &[ExposedField]) -> Result<(), WorkflowError> {
        for f in fields {
            let node = self.nodes.get(&f.node_id).ok_or_else(|| {
                WorkflowError::node(
                    &f.node_id,
                    f.node_name.as_deref().unwrap_or("?"),
                    Some(&f.field_name),
                    "no such node",
                )
            })?;
            if let Some(Input::Link(_)) = node.inputs.get(&f.field_name) {
                return Err(WorkflowError::node(
                    &f.node_id,
                    &node.class_type,
                    Some(&f.field_name),
                    "is linked to another node, so it takes no value",
                ));
            }
            self.set_value(&f.node_id, &f.field_name, f.field_value.clone())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_fields_have_kinds_and_constraints() {
        let mut w = Workflow::from_json_str(crate::REFERENCE_WORKFLOW).unwrap().workflow;
        let fields = Schemas::bundled().form_fields(&w);
        let find = |node: &str, input: &str| fields.iter().find(|f| f.node_id == node && f.input == input).unwrap();
        assert_eq!(find("4", "ckpt_name").kind, FieldKind::Model);
        assert_eq!(find("4", "ckpt_name").model_type.as_deref(), Some("checkpoint"));
        assert_eq!(find("10", "lora_name").model_type.as_deref(), Some("lora"));
        assert_eq!(find("3", "seed").kind, FieldKind::Seed);
        assert_eq!(find("6", "text").kind, FieldKind::Prompt);
        assert_eq!(find("3", "sampler_name").kind, FieldKind::Combo);
        assert!(find("3", "sampler_name").options.len() > 40);
        assert_eq!((find("3", "denoise").min, find("3", "denoise").max), (Some(0.0), Some(1.0)));
        assert!(fields.iter().all(|f| f.input != "model"), "links are not fields");
        let mut exposed = Schemas::bundled().default_exposed(&w);
        assert!(exposed.iter().any(|e| e.field_name == "text"));
        exposed[0].field_value = serde_json::json!(7);
        w.apply_exposed(&exposed).unwrap();
        let bad = ExposedField {
            node_id: "3".into(),
            field_name: "model".into(),
            field_value: Value::Null,
            node_name: None,
            label: None,
        };
        assert!(w.apply_exposed(&[bad]).unwrap_err().to_string().contains("node 3 (KSampler), input `model`"));
    }
}
