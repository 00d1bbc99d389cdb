//! Reading one `NodeInfo` of an object_info document into a `NodeSchema`. Accepts both combo
//! forms (V1 `[[options], {...}]` and V3 `["COMBO", {options}]`), bare type strings and
//! one-element specs; ignores hidden inputs, which never appear in a workflow.

use serde_json::{Map, Value};

use super::{InputSpec, InputType, NodeSchema, OutputSpec};
use crate::WorkflowError;

pub(super) fn node_schema(class: &str, info: &Value) -> Result<NodeSchema, WorkflowError> {
    let bad = |why: &str| WorkflowError::node("-", class, None, format!("object_info entry: {why}"));
    let Value::Object(info) = info else { return Err(bad("not an object")) };
    let empty = Map::new();
    let input = info.get("input").and_then(Value::as_object).unwrap_or(&empty);
    let mut inputs = Vec::new();
    for (group, required) in [("required", true), ("optional", false)] {
        let Some(specs) = input.get(group).and_then(Value::as_object) else { continue };
        // `input_order` is authoritative when present; JSON key order is the fallback.
        let order: Vec<&str> = match info.get("input_order").and_then(|o| o.get(group)).and_then(Value::as_array) {
            Some(names) => names.iter().filter_map(Value::as_str).collect(),
            None => specs.keys().map(String::as_str).collect(),
        };
        for name in order {
            if let Some(spec) = specs.get(name) {
                inputs.push(input_spec(name, required, spec).map_err(|why| {
                    WorkflowError::node("-", class, Some(name), format!("object_info input spec: {why}"))
                })?);
            }
        }
    }
    let names: Vec<&str> = info
        .get("output_name")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.as_str().unwrap_or("")).collect())
        .unwrap_or_default();
    let outputs = info
        .get("output")
        .and_then(Value::as_array)
        .map(|outs| {
            outs.iter()
                .enumerate()
                .map(|(i, o)| {
                    let kind = match o {
                        Value::String(s) => s.clone(),
                        Value::Array(_) => "COMBO".to_string(),
                        _ => "*".to_string(),
                    };
                    let name = names.get(i).filter(|n| !n.is_empty()).map(|n| n.to_string()).unwrap_or(kind.clone());
                    OutputSpec { kind, name }
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(NodeSchema {
        class_type: class.to_string(),
        display_name: info.get("display_name").and_then(Value::as_str).unwrap_or(class).to_string(),
        inputs,
        outputs,
        output_node: info.get("output_node").and_then(Value::as_bool).unwrap_or(false),
        inferred: false,
    })
}

fn input_spec(name: &str, required: bool, spec: &Value) -> Result<InputSpec, String> {
    let (head, options) = match spec {
        Value::String(_) => (spec, None),
        Value::Array(items) => match items.first() {
            Some(head) => (head, items.get(1).and_then(Value::as_object)),
            None => return Err("empty spec".into()),
        },
        _ => return Err("expected a type name or [type, options]".into()),
    };
    let opt = |key: &str| options.and_then(|o| o.get(key));
    let num = |key: &str| opt(key).and_then(Value::as_f64);
    let flag = |key: &str| opt(key).is_some_and(|v| v.as_bool().unwrap_or(!v.is_null()));
    let (kind, list) = match head {
        Value::Array(list) => (InputType::Combo, list.clone()),
        Value::String(t) => match t.as_str() {
            "INT" => (InputType::Int, Vec::new()),
            "FLOAT" => (InputType::Float, Vec::new()),
            "STRING" => (InputType::String, Vec::new()),
            "BOOLEAN" => (InputType::Boolean, Vec::new()),
            "COMBO" => (InputType::Combo, opt("options").and_then(Value::as_array).cloned().unwrap_or_default()),
            other => (InputType::Link(other.to_string()), Vec::new()),
        },
        _ => return Err("type must be a string or a list of options".into()),
    };
    // Seeds get a control widget even when the server does not say so, unless it says `false`.
    let seed_name = name == "seed" || name == "noise_seed";
    let control = match opt("control_after_generate") {
        Some(Value::Bool(b)) => *b && kind != InputType::Boolean,
        Some(Value::String(_)) => true,
        _ => seed_name && kind == InputType::Int,
    };
    Ok(InputSpec {
        name: name.to_string(),
        required,
        default: opt("default").cloned(),
        min: num("min"),
        max: num("max"),
        step: num("step"),
        options: list.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect(),
        multiline: flag("multiline"),
        image_upload: flag("image_upload"),
        control_after_generate: control && matches!(kind, InputType::Int | InputType::Combo),
        force_input: flag("forceInput"),
        folder: opt("folder").and_then(Value::as_str).map(str::to_string),
        kind,
    })
}
