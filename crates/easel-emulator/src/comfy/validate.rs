//! Prompt validation as the newest ComfyUI server does it, with its exact error shapes: every
//! class known (`missing_node_type`), at least one output node (`prompt_no_outputs`), then each
//! output node and everything upstream of it checked input by input (`required_input_missing`,
//! `bad_linked_input`, `return_type_mismatch`, `invalid_input_type`, `value_smaller_than_min`,
//! `value_bigger_than_max`, `value_not_in_list`, LoadImage's `custom_validation_failed`; value
//! checks are in `values`), giving
//! `node_errors` and the outputs that passed. Schemas are the bundled core nodes as `/object_info`
//! serves them. Left out: `VALIDATE_INPUTS` of other nodes, multiselect combos, V3 dynamic inputs.
//! A link to a missing node or slot (the server's KeyError/IndexError) is reported on the linking
//! node as `exception_during_inner_validation`, a cleaner reading than the server's.

use std::collections::{BTreeMap, HashMap};

use easel_workflow::{types_match, InputSpec, InputType, Schemas};
use serde_json::{json, Map, Value};

use super::info::input_config;
use super::values::value_error;
use super::Comfy;

/// A prompt-level error: `{type, message, details, extra_info}`.
pub fn prompt_error(kind: &str, message: &str, details: &str, extra_info: Value) -> Value {
    json!({"type": kind, "message": message, "details": details, "extra_info": extra_info})
}

/// What validation found: the outputs that passed and the errors of the nodes that did not.
#[derive(Debug)]
pub struct Verdict {
    /// Output node ids that passed, in prompt order.
    pub good_outputs: Vec<String>,
    /// `node_errors` of the reply.
    pub node_errors: Map<String, Value>,
}

/// The 400 body: `{error, node_errors}`.
pub fn refusal_body(error: Value, node_errors: Map<String, Value>) -> Value {
    json!({"error": error, "node_errors": node_errors})
}

/// Validates `prompt` (an object of nodes); `Err` is the 400 body (`refusal_body`).
pub fn validate(comfy: &Comfy, prompt: &Map<String, Value>) -> Result<Verdict, Value> {
    let schemas = &comfy.schemas;
    let mut outputs = Vec::new();
    for (id, node) in prompt {
        let title = node.pointer("/_meta/title").and_then(Value::as_str);
        let Some(class) = node.get("class_type").and_then(Value::as_str) else {
            let message = format!(
                "Node '{}' has no class_type. The workflow may be corrupted or a custom node is missing.",
                title.unwrap_or(&format!("#{id}"))
            );
            let extra = json!({"node_id": id, "class_type": null, "node_title": title});
            return Err(refusal_body(
                prompt_error("missing_node_type", &message, &format!("Node ID '#{id}'"), extra),
                Map::new(),
            ));
        };
        let Some(schema) = schemas.get(class) else {
            let message = format!("Node '{}' not found. The custom node may not be installed.", title.unwrap_or(class));
            let extra = json!({"node_id": id, "class_type": class, "node_title": title.unwrap_or(class)});
            return Err(refusal_body(
                prompt_error("missing_node_type", &message, &format!("Node ID '#{id}'"), extra),
                Map::new(),
            ));
        };
        if schema.output_node {
            outputs.push(id.clone());
        }
    }
    if outputs.is_empty() {
        return Err(refusal_body(
            prompt_error("prompt_no_outputs", "Prompt has no outputs", "", json!({})),
            Map::new(),
        ));
    }
    let info = super::info::object_info(comfy);
    let own: HashMap<&str, Vec<Value>> =
        prompt.iter().map(|(id, node)| (id.as_str(), node_errors(comfy, &info, prompt, node))).collect();
    let mut good_outputs = Vec::new();
    let mut node_errors: BTreeMap<String, Value> = BTreeMap::new();
    let mut failed = Vec::new();
    for output in &outputs {
        let upstream = upstream_of(prompt, output);
        let bad: Vec<&String> =
            upstream.iter().filter(|id| own.get(id.as_str()).is_some_and(|e| !e.is_empty())).collect();
        if bad.is_empty() {
            good_outputs.push(output.clone());
            continue;
        }
        failed.push(output.clone());
        for id in bad {
            let class = prompt.get(id).and_then(|n| n.get("class_type")).cloned().unwrap_or(Value::Null);
            let errors = own.get(id.as_str()).cloned().unwrap_or_default();
            let entry = node_errors
                .entry(id.clone())
                .or_insert_with(|| json!({"errors": errors, "dependent_outputs": [], "class_type": class}));
            if let Some(list) = entry["dependent_outputs"].as_array_mut() {
                list.push(Value::from(output.as_str()));
            }
        }
    }
    let node_errors: Map<String, Value> = node_errors.into_iter().collect();
    if good_outputs.is_empty() {
        // The server joins only the output nodes' own errors into `details`.
        let lines: Vec<String> = failed
            .iter()
            .flat_map(|o| own.get(o.as_str()).into_iter().flatten())
            .map(|e| format!("{}: {}", e["message"].as_str().unwrap_or(""), e["details"].as_str().unwrap_or("")))
            .collect();
        let error = prompt_error(
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            &lines.join("\n"),
            json!({}),
        );
        return Err(refusal_body(error, node_errors));
    }
    Ok(Verdict { good_outputs, node_errors })
}

/// `output` and every node it reads from (iteratively, so a deep chain cannot overflow the stack).
fn upstream_of(prompt: &Map<String, Value>, output: &str) -> Vec<String> {
    let mut seen = vec![output.to_string()];
    let mut stack = vec![output.to_string()];
    while let Some(id) = stack.pop() {
        let Some(inputs) = prompt.get(&id).and_then(|n| n.get("inputs")).and_then(Value::as_object) else { continue };
        for value in inputs.values() {
            if let Some(source) = link_source(value) {
                if prompt.contains_key(&source) && !seen.contains(&source) {
                    seen.push(source.clone());
                    stack.push(source);
                }
            }
        }
    }
    seen
}

/// The node a two-element link names (`["4", 0]` or `[4, 0]`).
fn link_source(value: &Value) -> Option<String> {
    match value.as_array()?.as_slice() {
        [Value::String(s), _] => Some(s.clone()),
        [Value::Number(n), _] => Some(n.to_string()),
        _ => None,
    }
}

/// The node's own input errors (links are checked for shape and type, not for upstream errors).
fn node_errors(comfy: &Comfy, info: &Map<String, Value>, prompt: &Map<String, Value>, node: &Value) -> Vec<Value> {
    let class = node["class_type"].as_str().unwrap_or_default();
    let Some(schema) = comfy.schemas.get(class) else { return Vec::new() };
    let empty = Map::new();
    let inputs = node.get("inputs").and_then(Value::as_object).unwrap_or(&empty);
    let mut errors = Vec::new();
    for spec in &schema.inputs {
        let name = spec.name.as_str();
        let config = input_config(info, class, name);
        let Some(value) = inputs.get(name) else {
            if spec.required {
                errors.push(input_error(
                    "required_input_missing",
                    "Required input is missing",
                    name,
                    json!({"input_name": name}),
                ));
            }
            continue;
        };
        let error = if value.is_array() {
            link_error(&comfy.schemas, prompt, spec, name, value, &config)
        } else {
            value_error(comfy, spec, name, value, &config)
        };
        errors.extend(error);
    }
    errors
}

/// One per-input error: `{type, message, details, extra_info}`.
pub fn input_error(kind: &str, message: &str, details: &str, extra_info: Value) -> Value {
    json!({"type": kind, "message": message, "details": details, "extra_info": extra_info})
}

fn link_error(
    schemas: &Schemas,
    prompt: &Map<String, Value>,
    spec: &InputSpec,
    name: &str,
    value: &Value,
    config: &Value,
) -> Option<Value> {
    let items = value.as_array()?;
    if items.len() != 2 {
        let extra = json!({"input_name": name, "input_config": config, "received_value": value});
        let message = "Bad linked input, must be a length-2 list of [node_id, slot_index]";
        return Some(input_error("bad_linked_input", message, name, extra));
    }
    let inner = |exception_type: &str, message: String| {
        let extra = json!({"input_name": name, "input_config": config, "exception_message": message,
            "exception_type": exception_type, "traceback": [], "linked_node": value});
        Some(input_error("exception_during_inner_validation", "Exception when validating inner node", &message, extra))
    };
    let source = link_source(value).unwrap_or_default();
    let Some(source_class) = prompt.get(&source).and_then(|n| n["class_type"].as_str()) else {
        return inner("KeyError", format!("'{source}'"));
    };
    let schema = schemas.get(source_class)?;
    let Some(output) = items[1].as_u64().and_then(|i| schema.outputs.get(i as usize)) else {
        return inner("IndexError", "tuple index out of range".into());
    };
    let want = spec.kind.link_type();
    if spec.kind == InputType::Combo || types_match(want, &output.kind) {
        return None;
    }
    let extra = json!({"input_name": name, "input_config": config, "received_type": output.kind, "linked_node": value});
    let details = format!("{name}, {} != {want}", output.kind);
    Some(input_error("return_type_mismatch", "Return type mismatch between linked nodes", &details, extra))
}
