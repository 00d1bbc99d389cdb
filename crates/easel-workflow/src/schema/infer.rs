//! A stand-in schema for a class no schema set describes (custom nodes, Tensor.Art-only nodes):
//! each input typed from the value it holds, links typed `*`. Such a schema only lets forms and
//! validation treat the node sensibly; it cannot know ranges, options or output types, so the
//! validator flags the node with a warning and skips checks that need real facts.

use serde_json::Value;

use super::{InputSpec, InputType, NodeSchema};
use crate::{Input, Node};

pub(super) fn from_node(node: &Node) -> NodeSchema {
    let inputs = node
        .inputs
        .iter()
        .map(|(name, input)| {
            let kind = match input {
                Input::Link(_) => InputType::Link("*".into()),
                Input::Value(v) => value_type(v),
            };
            InputSpec {
                name: name.clone(),
                required: true,
                kind,
                default: None,
                min: None,
                max: None,
                step: None,
                options: Vec::new(),
                multiline: matches!(input, Input::Value(Value::String(s)) if s.contains('\n') || s.len() > 80),
                image_upload: false,
                control_after_generate: false,
                force_input: false,
                folder: None,
            }
        })
        .collect();
    NodeSchema {
        class_type: node.class_type.clone(),
        display_name: node.class_type.clone(),
        inputs,
        outputs: Vec::new(),
        output_node: false,
        inferred: true,
    }
}

/// The widget type a literal suggests.
pub(crate) fn value_type(v: &Value) -> InputType {
    match v {
        Value::Bool(_) => InputType::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => InputType::Int,
        Value::Number(_) => InputType::Float,
        Value::String(_) => InputType::String,
        _ => InputType::Link("*".into()),
    }
}
