//! Validation of submitted graphs, answered the way TAMS answers: gRPC code 3, message
//! "Params Valid", one `tams_api.ArgumentError` on field `workflow` whose message reads
//! `node id: <id>\nclass type: <class>\n<input>: <reason>\n`. Structural checks first (shape,
//! dangling links, cycles, an output node), then the bundled node schemas: unknown classType,
//! missing required input, wrong type, value out of range or not in the combo list, bad output
//! index, then the model inputs (ids only, known to the catalogue, of a fitting type). The
//! emulator plays a strict server: what the library calls warnings (unknown class,
//! value not in a possibly dated list) are refusals here. Link type mismatches are let through:
//! the emulator renders placeholders whatever flows, and its own tests feed a LATENT straight
//! into PreviewImage. Only the first problem is reported, as TAMS does.

use std::collections::BTreeMap;

use easel_workflow::{model_fits, Input, Problem, Schemas, Severity, Workflow, WorkflowError, OUTPUT_CLASSES};
use serde_json::{json, Value};

use crate::rpc::Status;

/// A graph that passed validation, with its execution order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The graph.
    pub workflow: Workflow,
    /// Node ids, dependencies first.
    pub order: Vec<String>,
    /// Image loaders whose upload has a known picture size, by node id (see `images`); empty
    /// until the route has checked the image inputs.
    pub input_sizes: BTreeMap<String, (u32, u32)>,
}

/// Parses and checks a `params` node map.
pub fn check_params(params: Option<Value>) -> Result<Checked, Status> {
    let Some(params) = params else {
        return Err(Status::invalid_argument("params", "params: required\n"));
    };
    if !params.is_object() {
        return Err(Status::invalid_argument("params", "params: must be an object of nodes\n"));
    }
    let workflow = Workflow::from_json(json!({ "params": params })).map_err(|e| to_status(&e, None))?.workflow;
    check_workflow(workflow)
}

/// Checks an already parsed graph.
pub fn check_workflow(workflow: Workflow) -> Result<Checked, Status> {
    let order = workflow.execution_order().map_err(|e| to_status(&e, Some(&workflow)))?;
    if !workflow.nodes.values().any(|n| OUTPUT_CLASSES.contains(&n.class_type.as_str())) {
        return Err(Status::invalid_argument(
            "workflow",
            format!("workflow: no output node ({}), so the job would produce nothing\n", OUTPUT_CLASSES.join(" or ")),
        ));
    }
    if let Some(problem) = schema_problem(&workflow).or_else(|| model_problem(&workflow)) {
        let node_id = problem.node_id.as_deref().unwrap_or("-");
        let class_type = problem.class_type.as_deref().unwrap_or("-");
        return Err(Status::invalid_argument(
            "workflow",
            node_message(node_id, class_type, problem.input.as_deref(), &problem.message),
        ));
    }
    Ok(Checked { workflow, order, input_sizes: BTreeMap::new() })
}

fn is_link(workflow: &Workflow, p: &Problem) -> bool {
    let node = p.node_id.as_ref().and_then(|id| workflow.nodes.get(id));
    let input = p.input.as_ref().and_then(|name| node?.inputs.get(name));
    matches!(input, Some(Input::Link(_)))
}

/// The first schema problem a strict server would refuse.
fn schema_problem(workflow: &Workflow) -> Option<Problem> {
    const REFUSED_WARNINGS: &[&str] = &["unknownClass", "notInList"];
    Schemas::bundled()
        .validate(workflow)
        .into_iter()
        .filter(|p| p.node_id.is_some())
        .filter(|p| !(p.code == "typeMismatch" && is_link(workflow, p)))
        .find(|p| p.severity == Severity::Error || REFUSED_WARNINGS.contains(&p.code.as_str()))
}

/// The first model input the service refuses: a file name where Tensor.Art takes a model id
/// [C], an id the catalogue does not know, or a model whose type does not fit the loader [I].
fn model_problem(workflow: &Workflow) -> Option<Problem> {
    Schemas::bundled().model_inputs(workflow).into_iter().find_map(|m| {
        let reason = if !m.is_id() {
            format!("\"{}\" is not a model id: Tensor.Art takes the id of a {} here, not a file name", m.value, m.kind)
        } else {
            match m.value.parse().ok().and_then(crate::model::model_type) {
                None => format!("model {} not found", m.value),
                Some(t) if !model_fits(&m.kind, t) => {
                    format!("model {} is a {t} model, which does not fit a {} input", m.value, m.kind)
                }
                Some(_) => return None,
            }
        };
        Some(Problem {
            severity: Severity::Error,
            code: "unmappedModel".into(),
            node_id: Some(m.node_id),
            node_title: Some(m.node_title),
            class_type: Some(m.class_type),
            input: Some(m.input),
            message: reason,
        })
    })
}

/// The ArgumentError text for one located problem.
pub fn node_message(node_id: &str, class_type: &str, input: Option<&str>, reason: &str) -> String {
    match input {
        Some(input) => format!("node id: {node_id}\nclass type: {class_type}\n{input}: {reason}\n"),
        None => format!("node id: {node_id}\nclass type: {class_type}\n{reason}\n"),
    }
}

fn to_status(error: &WorkflowError, workflow: Option<&Workflow>) -> Status {
    let message = match error {
        WorkflowError::Node { node_id, class_type, input, reason } => {
            node_message(node_id, class_type, input.as_deref(), reason)
        }
        WorkflowError::Cycle(ids) => cycle_message(ids, workflow),
        other => format!("{other}\n"),
    };
    Status::invalid_argument("workflow", message)
}

/// Names the first node of the cycle and the input that closes it.
fn cycle_message(ids: &[String], workflow: Option<&Workflow>) -> String {
    let reason = format!("forms a cycle through nodes {}", ids.join(" -> "));
    let Some((first, node)) = ids.first().and_then(|id| Some((id, workflow?.nodes.get(id)?))) else {
        return format!("workflow: {reason}\n");
    };
    let input = node.inputs.iter().find_map(|(name, input)| match input {
        Input::Link(link) if ids.contains(&link.node) => Some(name.as_str()),
        _ => None,
    });
    node_message(first, &node.class_type, input, &reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(params: Value) -> String {
        let status = check_params(Some(params)).unwrap_err();
        assert_eq!((status.code, status.message.as_str()), (3, "Params Valid"));
        status.details[0]["message"].as_str().unwrap().to_string()
    }

    #[test]
    fn dangling_link_cycle_and_missing_output_are_located() {
        let dangling = json!({"9": {"classType": "SaveImage", "inputs": {"images": ["8", 0]}}});
        assert_eq!(
            message(dangling),
            "node id: 9\nclass type: SaveImage\nimages: links to node 8, which does not exist\n"
        );
        let cycle = json!({
            "1": {"classType": "VAEDecode", "inputs": {"samples": ["2", 0]}},
            "2": {"class_type": "KSampler", "inputs": {"latent_image": ["1", 0]}},
            "9": {"classType": "SaveImage", "inputs": {"images": ["1", 0]}}
        });
        assert_eq!(message(cycle), "node id: 1\nclass type: VAEDecode\nsamples: forms a cycle through nodes 1 -> 2\n");
        let no_output = json!({"4": {"classType": "CheckpointLoaderSimple", "inputs": {}}});
        assert!(message(no_output).contains("no output node"));
        assert!(message(json!({"4": 5})).contains("node 4"));
    }

    #[test]
    fn schema_problems_are_located() {
        let mut body: Value = serde_json::from_str(easel_workflow::REFERENCE_WORKFLOW).unwrap();
        body["params"]["3"]["inputs"]["steps"] = json!(0);
        assert_eq!(
            message(body["params"].clone()),
            "node id: 3\nclass type: KSampler\nsteps: 0 is below the minimum 1\n"
        );
        body["params"]["3"]["inputs"]["steps"] = json!(20);
        body["params"]["3"]["inputs"]["sampler_name"] = json!("warp");
        assert!(message(body["params"].clone())
            .starts_with("node id: 3\nclass type: KSampler\nsampler_name: `warp` is not one of"));
        body["params"]["3"]["inputs"]["sampler_name"] = json!("euler");
        body["params"]["3"]["inputs"]["model"] = json!(["4", 7]);
        assert!(message(body["params"].clone()).contains("model: reads output 7 of node 4"));
        body["params"]["3"]["inputs"]["model"] = json!(5);
        assert!(message(body["params"].clone()).contains("model: expects a MODEL link, but holds a value (5)"));
        body["params"]["3"]["inputs"]["model"] = json!(["4", 0]);
        body["params"]["3"]["classType"] = json!("KSamplerX");
        assert_eq!(
            message(body["params"].clone()),
            "node id: 3\nclass type: KSamplerX\nno schema for class `KSamplerX`; its values are not checked\n"
        );
        body["params"]["3"]["classType"] = json!("KSampler");
        body["params"]["3"]["inputs"].as_object_mut().unwrap().remove("cfg");
        assert!(message(body["params"].clone()).contains("cfg: required FLOAT value is missing"));
    }

    #[test]
    fn reference_workflow_passes() {
        let body: Value = serde_json::from_str(easel_workflow::REFERENCE_WORKFLOW).unwrap();
        let checked = check_params(body.get("params").cloned()).unwrap();
        assert_eq!(checked.order.len(), 11);
        assert_eq!(checked.order.last().map(String::as_str), Some("9"));
    }
}
