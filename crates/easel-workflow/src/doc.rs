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
            })
            .collect();
        WorkflowDoc { name: name.into(), nodes }
    }

    /// Back to the model, checking ids are unique and links resolve.
    pub fn to_workflow(&self) -> Result<Workflow, WorkflowError> {
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
}
