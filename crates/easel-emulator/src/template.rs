//! Workflow templates ("AI tools"): a fixed graph with a few editable fields. The catalogue holds
//! the docs' example template 676018193025756628 (an img2img graph: LoadImage node 25 `image`,
//! prompt node 27 `text`). Filling a template follows the docs: every exposed field must be sent
//! (else code 2, HTTP 500), then the values are put in place and checked (code 3). A field is an
//! image field when its node (the `nodeName` clients read) is an image loader and the field is
//! its `image` input, as S11 tells them apart; those values must name an upload or a URL.

use easel_workflow::Workflow;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::image_inputs::is_image_input;
use crate::rpc::Status;
use crate::validate::node_message;

/// The docs' example template id.
pub const EXAMPLE_TEMPLATE_ID: u64 = 676_018_193_025_756_628;

/// The graph behind the example template: img2img with a text prompt (TAMS `params` form).
const EXAMPLE_GRAPH: &str = r#"{
  "4": {"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "664602165660323756"}},
  "25": {"classType": "LoadImage", "inputs": {"image": "", "upload": "image"}},
  "26": {"classType": "VAEEncode", "inputs": {"pixels": ["25", 0], "vae": ["4", 2]}},
  "27": {"classType": "CLIPTextEncode", "inputs": {"text": "1 girl", "clip": ["4", 1]}},
  "28": {"classType": "CLIPTextEncode", "inputs": {"text": "worst quality, low quality", "clip": ["4", 1]}},
  "3": {"classType": "KSampler", "inputs": {"seed": 20240115, "steps": 20, "cfg": 7, "sampler_name": "euler_ancestral",
        "scheduler": "normal", "denoise": 0.6, "model": ["4", 0], "positive": ["27", 0], "negative": ["28", 0],
        "latent_image": ["26", 0]}},
  "8": {"classType": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
  "9": {"classType": "SaveImage", "inputs": {"filename_prefix": "TensorArt", "images": ["8", 0]}}
}"#;

/// A template: its graph and the (node id, input name) pairs callers set.
#[derive(Debug, Clone)]
pub struct Template {
    /// Template id.
    pub id: u64,
    /// Display name.
    pub name: &'static str,
    /// The graph with default values.
    pub workflow: Workflow,
    /// Exposed fields, in display order.
    pub fields: Vec<(String, String)>,
}

/// One `fieldAttrs` item of a request (camelCase or snake_case).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldAttr {
    /// Node id.
    #[serde(alias = "node_id", default)]
    pub node_id: String,
    /// Input name.
    #[serde(alias = "field_name", default)]
    pub field_name: String,
    /// New value (any JSON).
    #[serde(alias = "field_value", default)]
    pub field_value: Value,
}

/// The template with `id`, if the catalogue has it.
pub fn find(id: u64) -> Option<Template> {
    if id != EXAMPLE_TEMPLATE_ID {
        return None;
    }
    let workflow =
        Workflow::from_json(json!({ "params": serde_json::from_str::<Value>(EXAMPLE_GRAPH).ok()? })).ok()?.workflow;
    let fields = vec![("25".to_string(), "image".to_string()), ("27".to_string(), "text".to_string())];
    Some(Template { id, name: "Easel demo: restyle a picture (img2img)", workflow, fields })
}

impl Template {
    /// The exposed image fields (node id, input), which take an uploaded resource id or a URL.
    pub fn image_fields(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(node_id, field_name)| {
                self.workflow.nodes.get(node_id.as_str()).is_some_and(|n| is_image_input(&n.class_type, field_name))
            })
            .cloned()
            .collect()
    }

    /// The `GET /v1/workflows/{id}` body.
    pub fn to_json(&self) -> Value {
        let attrs: Vec<Value> = self
            .fields
            .iter()
            .map(|(node_id, field_name)| {
                let node = &self.workflow.nodes[node_id.as_str()];
                let value = node.inputs.get(field_name).and_then(|i| i.value().cloned()).unwrap_or(Value::Null);
                json!({"nodeId": node_id, "fieldName": field_name, "fieldValue": value, "nodeName": node.class_type})
            })
            .collect();
        json!({"templateId": self.id.to_string(), "name": self.name, "fields": {"fieldAttrs": attrs}})
    }

    /// The graph with `attrs` put in place; code 2 for a field left out, code 3 for an empty one.
    pub fn fill(&self, attrs: &[FieldAttr]) -> Result<Workflow, Status> {
        let mut workflow = self.workflow.clone();
        for (node_id, field_name) in &self.fields {
            let Some(attr) = attrs.iter().find(|a| &a.node_id == node_id && &a.field_name == field_name) else {
                return Err(Status::unknown(format!(
                    "can't find [nodeId:fieldName] {node_id}:{field_name} in fields parameter"
                )));
            };
            let node = &workflow.nodes[node_id.as_str()];
            let class_type = node.class_type.clone();
            let default = node.inputs.get(field_name).and_then(|i| i.value().cloned()).unwrap_or(Value::Null);
            let value = coerce(&attr.field_value, &default);
            let empty = value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty());
            if (empty && is_image_input(&class_type, field_name)) || value.is_null() {
                // 字段必填 = "field is required", verbatim from the docs' example error.
                return Err(Status::invalid_argument(
                    "workflow",
                    node_message(node_id, &class_type, Some(field_name), "字段必填"),
                ));
            }
            workflow
                .set_value(node_id, field_name, value)
                .map_err(|e| Status::invalid_argument("workflow", format!("{e}\n")))?;
        }
        Ok(workflow)
    }
}

/// Numbers sent as strings become numbers where the template has a number (S11 sends strings).
fn coerce(given: &Value, default: &Value) -> Value {
    match (given, default) {
        (Value::String(s), Value::Number(_)) => s.trim().parse::<f64>().ok().map(json_number).unwrap_or(given.clone()),
        _ => given.clone(),
    }
}

fn json_number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(node_id: &str, field_name: &str, value: Value) -> FieldAttr {
        FieldAttr { node_id: node_id.into(), field_name: field_name.into(), field_value: value }
    }

    #[test]
    fn example_template_lists_its_fields() {
        let t = find(EXAMPLE_TEMPLATE_ID).unwrap();
        let body = t.to_json();
        assert_eq!(body["templateId"], "676018193025756628");
        assert_eq!(
            body["fields"]["fieldAttrs"][0],
            json!({"nodeId": "25", "fieldName": "image", "fieldValue": "", "nodeName": "LoadImage"})
        );
        assert_eq!(body["fields"]["fieldAttrs"][1]["fieldValue"], "1 girl");
        assert!(find(1).is_none());
        assert_eq!(t.image_fields(), [("25".to_string(), "image".to_string())]);
    }

    #[test]
    fn fill_reports_missing_and_empty_fields_as_the_docs_show() {
        let t = find(EXAMPLE_TEMPLATE_ID).unwrap();
        let missing = t.fill(&[attr("27", "text", json!("cat"))]).unwrap_err();
        assert_eq!(
            (missing.code, missing.message.as_str()),
            (2, "can't find [nodeId:fieldName] 25:image in fields parameter")
        );
        let empty = t.fill(&[attr("25", "image", Value::Null), attr("27", "text", json!("cat"))]).unwrap_err();
        assert_eq!(empty.details[0]["message"], "node id: 25\nclass type: LoadImage\nimage: 字段必填\n");
        let ok = t.fill(&[attr("25", "image", json!("f29036b4")), attr("27", "text", json!("cat"))]).unwrap();
        assert_eq!(ok.nodes["27"].inputs["text"].value(), Some(&json!("cat")));
    }
}
