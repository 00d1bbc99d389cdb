//! The workflow as the UI holds it: a list of nodes with their inputs as a tagged union (link or
//! value), plus each node's untouched extra fields. It is the shape forms edit in place and send
//! back for a run; `Workflow` stays the one model every other crate works on.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::{Input, Link, Node, Workflow, WorkflowError};

/// A workflow as shown and edited by the UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkflowDoc {
    /// A name for people (file name or favourite name).
    pub name: String,
    /// Nodes in file order.
    pub nodes: Vec<NodeDoc>,
    /// The editor graph the document was imported from (editor files, PNG `workflow` chunks),
    /// kept as read so results can embed it with the edited values written back
    /// (`write_back`). The UI carries it without looking inside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub editor: Option<Value>,
}

/// One node as the UI sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NodeDoc {
    /// Node id as written in the file.
    pub id: String,
    /// ComfyUI class name.
    pub class_type: String,
    /// Display title, when the file has one.
    pub title: Option<String>,
    /// Inputs in file order.
    pub inputs: Vec<InputDoc>,
    /// Fields the UI does not edit, carried back unchanged.
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
    /// Where the editor file placed the node (`pos`), when it came from one; the graph view lays
    /// out the others itself. Never sent to the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub position: Option<[f64; 2]>,
}

/// One input: a link to another node's output, or a literal value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum InputDoc {
    /// Wired to output `output` of node `node`.
    Link {
        /// Input name.
        name: String,
        /// Source node id.
        node: String,
        /// Source output index.
        output: u32,
    },
    /// A literal widget value.
    Value {
        /// Input name.
        name: String,
        /// The value (number, string, bool...).
        #[ts(type = "unknown")]
        value: Value,
    },
}

impl WorkflowDoc {
    /// The UI form of `workflow`.
    pub fn from_workflow(name: impl Into<String>, workflow: &Workflow) -> WorkflowDoc {
        let nodes = workflow
            .nodes
            .iter()
            .map(|(id, node)| NodeDoc {
                id: id.clone(),
                class_type: node.class_type.clone(),
                title: node.title.clone(),
                inputs: node
                    .inputs
                    .iter()
                    .map(|(name, input)| match input {
                        Input::Link(l) => InputDoc::Link { name: name.clone(), node: l.node.clone(), output: l.output },
                        Input::Value(v) => InputDoc::Value { name: name.clone(), value: v.clone() },
                    })
                    .collect(),
                extra: node.extra.clone(),
                position: None,
            })
            .collect();
        WorkflowDoc { name: name.into(), nodes, editor: None }
    }

    /// The UI form of an import, with the editor graph and its node positions when the source had
    /// one.
    pub fn from_imported(name: impl Into<String>, imported: &crate::Imported) -> WorkflowDoc {
        let mut doc = WorkflowDoc::from_workflow(name, &imported.workflow);
        if let Some(editor) = &imported.editor {
            let positions = editor_positions(editor);
            for node in &mut doc.nodes {
                node.position = positions.get(&node.id).copied();
            }
            doc.editor = Some(editor.clone());
        }
        doc
    }

    /// Back to the model, checking the node count, that ids are unique and that links resolve.
    pub fn to_workflow(&self) -> Result<Workflow, WorkflowError> {
        WorkflowError::check_node_count(self.nodes.len())?;
        let mut workflow = Workflow::default();
        for doc in &self.nodes {
            let inputs = doc
                .inputs
                .iter()
                .map(|i| match i {
                    InputDoc::Link { name, node, output } => {
                        (name.clone(), Input::Link(Link { node: node.clone(), output: *output }))
                    }
                    InputDoc::Value { name, value } => (name.clone(), Input::Value(value.clone())),
                })
                .collect();
            let node =
                Node { class_type: doc.class_type.clone(), inputs, title: doc.title.clone(), extra: doc.extra.clone() };
            if workflow.nodes.insert(doc.id.clone(), node).is_some() {
                return Err(WorkflowError::node(&doc.id, &doc.class_type, None, "this id is used by two nodes"));
            }
        }
        workflow.check_links()?;
        Ok(workflow)
    }
}

/// Node id → `pos` of the editor graph's top-level nodes. `pos` is `[x, y]` in current files and
/// `{"0": x, "1": y}` in some older ones; anything else is skipped (the view lays it out).
fn editor_positions(editor: &Value) -> std::collections::HashMap<String, [f64; 2]> {
    let nodes = editor.get("nodes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    nodes
        .iter()
        .filter_map(|n| {
            let id = match n.get("id")? {
                Value::Number(x) => x.to_string(),
                Value::String(s) => s.clone(),
                _ => return None,
            };
            let pos = n.get("pos")?;
            let x = pos.get(0).or_else(|| pos.get("0"))?.as_f64()?;
            let y = pos.get(1).or_else(|| pos.get("1"))?.as_f64()?;
            (x.is_finite() && y.is_finite()).then_some((id, [x, y]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::REFERENCE_WORKFLOW;

    #[test]
    fn doc_round_trip_is_lossless() {
        let w = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
        let doc = WorkflowDoc::from_workflow("reference", &w);
        let json = serde_json::to_string(&doc).unwrap();
        let back: WorkflowDoc = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_workflow().unwrap(), w);
    }

    #[test]
    fn editor_positions_reach_the_doc_in_both_shapes() {
        let editor = serde_json::json!({"nodes": [
            {"id": 3, "pos": [10.5, -20]},
            {"id": 4, "pos": {"0": 7, "1": 8}},
            {"id": 5, "pos": "nowhere"},
        ]});
        let found = editor_positions(&editor);
        assert_eq!(found.get("3"), Some(&[10.5, -20.0]));
        assert_eq!(found.get("4"), Some(&[7.0, 8.0]));
        assert!(!found.contains_key("5"));
    }

    #[test]
    fn docs_without_positions_still_parse() {
        let json = r#"{"name":"x","nodes":[{"id":"1","classType":"A","title":null,"inputs":[],"extra":{}}]}"#;
        let doc: WorkflowDoc = serde_json::from_str(json).unwrap();
        assert_eq!(doc.nodes[0].position, None);
        assert_eq!(doc.editor, None);
    }

    #[test]
    fn imported_editor_graph_rides_along_and_round_trips() {
        let editor = serde_json::json!({"version": 0.4, "links": [], "nodes": [
            {"id": 3, "type": "EmptyLatentImage", "pos": [1, 2], "widgets_values": [512, 512, 1]},
        ]});
        let imported = crate::Schemas::bundled().import_value(editor.clone()).unwrap();
        let doc = WorkflowDoc::from_imported("e", &imported);
        assert_eq!(doc.editor.as_ref(), Some(&editor));
        let back: WorkflowDoc = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(back, doc);
        assert_eq!(back.to_workflow().unwrap(), imported.workflow);
        let plain = WorkflowDoc::from_workflow("p", &imported.workflow);
        assert!(!serde_json::to_string(&plain).unwrap().contains("\"editor\""));
    }
}
