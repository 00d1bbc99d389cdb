//! Queueing a graph: `POST /prompt` with our client id, our own prompt id (the run's request
//! id, so a restart finds the prompt again in `/queue` or `/history`) and the editor graph in
//! `extra_data.extra_pnginfo.workflow` (the server writes it into its PNGs). A refusal's
//! `error` and `node_errors` become `Problem`s located at node and input, with the codes the
//! form already shows for its own checks. Leaves out `front` and `number`: the engine's queue
//! decides the order, one prompt at a time.

use easel_workflow::{Problem, Severity};
use serde_json::{json, Value};

use crate::{Comfy, ComfyError};

/// A prompt the server accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub prompt_id: String,
    /// Its place in the server's queue counter.
    pub number: Option<f64>,
    /// Output nodes the server dropped while keeping the rest (a 200 with `node_errors`).
    pub dropped: Vec<Problem>,
}

impl Comfy {
    /// Queues `graph` (API form) as `prompt_id`, with `editor` as the workflow the PNGs carry.
    pub async fn queue_prompt(
        &self,
        graph: &Value,
        editor: Option<&Value>,
        prompt_id: &str,
    ) -> Result<Queued, ComfyError> {
        let mut body = json!({ "prompt": graph, "client_id": self.client_id, "prompt_id": prompt_id });
        if let Some(editor) = editor {
            body["extra_data"] = json!({ "extra_pnginfo": { "workflow": editor } });
        }
        let (status, text) = self.post_json("prompt", &body).await?;
        let reply: Value = serde_json::from_str(&text).map_err(|e| ComfyError::BadReply {
            route: "/prompt".into(),
            why: format!("HTTP {status}, not JSON: {e}"),
        })?;
        let problems = self.located(graph, &reply);
        if status == 400 {
            let message = error_message(&reply).map(|m| self.clean(&m)).unwrap_or_else(|| "no reason given".into());
            return Err(ComfyError::Rejected { message, problems });
        }
        let prompt_id = reply
            .get("prompt_id")
            .and_then(Value::as_str)
            .ok_or_else(|| ComfyError::BadReply { route: "/prompt".into(), why: "no prompt_id in the reply".into() })?;
        Ok(Queued {
            prompt_id: prompt_id.to_string(),
            number: reply.get("number").and_then(Value::as_f64),
            dropped: problems,
        })
    }

    fn located(&self, graph: &Value, reply: &Value) -> Vec<Problem> {
        let mut problems = problems_of(graph, reply);
        for p in &mut problems {
            p.message = self.clean(&p.message);
        }
        problems
    }
}

/// The problems a `/prompt` reply names: one per input error of `node_errors`, else the
/// prompt-level error (located when it names a node, as `missing_node_type` does).
pub fn problems_of(graph: &Value, reply: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(nodes) = reply.get("node_errors").and_then(Value::as_object) {
        for (node_id, entry) in nodes {
            let class = entry.get("class_type").and_then(Value::as_str).map(str::to_string);
            for error in entry.get("errors").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                let input = error.pointer("/extra_info/input_name").and_then(Value::as_str);
                out.push(problem(graph, Some(node_id), class.clone(), input, error));
            }
        }
    }
    if out.is_empty() {
        if let Some(error) = reply.get("error").filter(|e| e.is_object()) {
            let node = error.pointer("/extra_info/node_id").and_then(Value::as_str);
            let class = error.pointer("/extra_info/class_type").and_then(Value::as_str).map(str::to_string);
            out.push(problem(graph, node, class, None, error));
        }
    }
    out
}

fn problem(graph: &Value, node_id: Option<&str>, class: Option<String>, input: Option<&str>, error: &Value) -> Problem {
    let kind = error.get("type").and_then(Value::as_str).unwrap_or_default();
    let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or_default().trim().to_string();
    let (message, details) = (text("message"), text("details"));
    let message = match (message.is_empty(), details.is_empty()) {
        (false, false) => format!("{message}: {details}"),
        (false, true) => message,
        (true, false) => details,
        (true, true) => kind.to_string(),
    };
    let node = node_id.and_then(|id| graph.get(id));
    let class_type =
        class.or_else(|| node.and_then(|n| n.get("class_type")).and_then(Value::as_str).map(str::to_string));
    let title = node.and_then(|n| n.pointer("/_meta/title")).and_then(Value::as_str).map(str::to_string);
    Problem {
        severity: Severity::Error,
        code: code_of(kind).to_string(),
        node_id: node_id.map(str::to_string),
        node_title: title.or_else(|| class_type.clone()),
        class_type,
        input: input.map(str::to_string),
        message,
    }
}

/// The form's problem code for a server error type.
fn code_of(kind: &str) -> &'static str {
    match kind {
        "required_input_missing" => "missingInput",
        "value_smaller_than_min" | "value_bigger_than_max" => "outOfRange",
        "value_not_in_list" => "notInList",
        "return_type_mismatch" => "typeMismatch",
        "bad_linked_input" => "danglingLink",
        "missing_node_type" | "invalid_prompt" => "unknownClass",
        "prompt_no_outputs" => "noOutput",
        "dependency_cycle" => "cycle",
        _ => "badValue",
    }
}

fn error_message(reply: &Value) -> Option<String> {
    match reply.get("error")? {
        Value::String(s) => Some(s.clone()),
        error => {
            let message = error.get("message").and_then(Value::as_str)?;
            match error.get("details").and_then(Value::as_str).filter(|d| !d.is_empty()) {
                Some(details) if details != message => Some(format!("{message}: {details}")),
                _ => Some(message.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_are_located_at_their_node_and_input() {
        let graph =
            json!({"4": {"class_type": "CheckpointLoaderSimple", "inputs": {}, "_meta": {"title": "Load Checkpoint"}}});
        let reply = json!({
            "error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
            "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                "details": "ckpt_name: 'x.safetensors' not in (list of length 31)",
                "extra_info": {"input_name": "ckpt_name", "input_config": null, "received_value": "x.safetensors"}}],
                "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}
        });
        let problems = problems_of(&graph, &reply);
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(
            (p.code.as_str(), p.node_id.as_deref(), p.input.as_deref()),
            ("notInList", Some("4"), Some("ckpt_name"))
        );
        assert_eq!(p.node_title.as_deref(), Some("Load Checkpoint"));
        assert!(p.message.starts_with("Value not in list: ckpt_name"), "{}", p.message);
        assert_eq!(error_message(&reply).unwrap(), "Prompt outputs failed validation");
    }

    #[test]
    fn a_prompt_level_error_names_its_node_when_it_has_one() {
        let graph = json!({"12": {"class_type": "FancyNode", "inputs": {}}});
        let reply = json!({"error": {"type": "missing_node_type", "message": "Node 'FancyNode' not found. The custom node may not be installed.",
            "details": "Node ID '#12'", "extra_info": {"node_id": "12", "class_type": "FancyNode", "node_title": "FancyNode"}}, "node_errors": {}});
        let p = &problems_of(&graph, &reply)[0];
        assert_eq!(
            (p.code.as_str(), p.node_id.as_deref(), p.class_type.as_deref()),
            ("unknownClass", Some("12"), Some("FancyNode"))
        );
        let none = problems_of(
            &graph,
            &json!({"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}}, "node_errors": {}}),
        );
        assert_eq!((none[0].code.as_str(), none[0].node_id.as_deref()), ("noOutput", None));
        assert_eq!(error_message(&json!({"error": "no prompt", "node_errors": []})).unwrap(), "no prompt");
    }
}
