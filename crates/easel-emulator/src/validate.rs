//! Validation of submitted graphs, answered the way TAMS answers: gRPC code 3, message
//! "Params Valid", one `tams_api.ArgumentError` on field `workflow` whose message reads
//! `node id: <id>\nclass type: <class>\n<input>: <reason>\n`. Structural checks only for now
//! (shape, dangling links, cycles, an output node); per-class input schemas come later.

use easel_workflow::{Input, Workflow, WorkflowError, OUTPUT_CLASSES};
use serde_json::{json, Value};

use crate::rpc::Status;

/// A graph that passed validation, with its execution order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The graph.
    pub workflow: Workflow,
    /// Node ids, dependencies first.
    pub order: Vec<String>,
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
    Ok(Checked { workflow, order })
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
        assert_eq!(
            message(cycle),
            "node id: 1\nclass type: VAEDecode\nsamples: forms a cycle through nodes 1 -> 2 -> 9\n"
        );
        let no_output = json!({"4": {"classType": "CheckpointLoaderSimple", "inputs": {}}});
        assert!(message(no_output).contains("no output node"));
        assert!(message(json!({"4": 5})).contains("node 4"));
    }

    #[test]
    fn reference_workflow_passes() {
        let body: Value = serde_json::from_str(easel_workflow::REFERENCE_WORKFLOW).unwrap();
        let checked = check_params(body.get("params").cloned()).unwrap();
        assert_eq!(checked.order.len(), 11);
        assert_eq!(checked.order.last().map(String::as_str), Some("9"));
    }
}
