//! The graph model: nodes keyed by string id (ids such as "37:0" stay as written), inputs in
//! their original order, and every field Easel does not interpret kept verbatim so a round trip
//! changes nothing, plus the node cap every importer enforces. Serialisation to a particular
//! dialect lives in `format`; a `Workflow` built in code is not capped.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::WorkflowError;

/// The most nodes an imported graph may have (API graph, TAMS params, UI document, editor file
/// after expansion). Real workflows have tens to a few hundred; every per-graph step is linear,
/// so this bounds what a hostile file can cost, with room to spare for generated graphs.
pub const MAX_NODES: usize = 10_000;

/// A workflow graph: node id -> node, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workflow {
    /// The nodes, keyed by id, in the order the file listed them.
    pub nodes: IndexMap<String, Node>,
}

/// One node of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// ComfyUI class name, e.g. `KSampler`.
    pub class_type: String,
    /// Inputs in file order: literal widget values or links to other nodes' outputs.
    pub inputs: IndexMap<String, Input>,
    /// Display title (`_meta.title` in ComfyUI API files), when the file has one.
    pub title: Option<String>,
    /// Fields this crate does not interpret (`properties`, other `_meta` keys...), kept verbatim.
    pub extra: Map<String, Value>,
}

/// A link to output `output` of node `node`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    /// Source node id.
    pub node: String,
    /// Index of the source node's output slot.
    pub output: u32,
}

/// The value of one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Wired to another node's output, written `["4", 0]`.
    Link(Link),
    /// A literal widget value (number, string, bool...).
    Value(Value),
}

impl Input {
    /// Reads an input value as ComfyUI does: a two-element array `[id, index]` is a link.
    pub fn from_json(value: Value) -> Input {
        if let Value::Array(items) = &value {
            if let [source, Value::Number(index)] = items.as_slice() {
                let node = match source {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                if let (Some(node), Some(output)) = (node, index.as_u64()) {
                    if let Ok(output) = u32::try_from(output) {
                        return Input::Link(Link { node, output });
                    }
                }
            }
        }
        Input::Value(value)
    }

    /// The JSON form, links written as `["id", index]`.
    pub fn to_json(&self) -> Value {
        match self {
            Input::Link(link) => Value::Array(vec![Value::String(link.node.clone()), Value::from(link.output)]),
            Input::Value(v) => v.clone(),
        }
    }

    /// The literal value, if this input is not a link.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Input::Value(v) => Some(v),
            Input::Link(_) => None,
        }
    }
}

impl Node {
    /// The literal value of input `name` as a number, if it is one.
    pub fn number(&self, name: &str) -> Option<f64> {
        self.inputs.get(name)?.value()?.as_f64()
    }

    /// The link feeding input `name`, if it is wired.
    pub fn link(&self, name: &str) -> Option<&Link> {
        match self.inputs.get(name)? {
            Input::Link(link) => Some(link),
            Input::Value(_) => None,
        }
    }

    /// The name shown to people: the title when set, else the class.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.class_type)
    }
}

impl Workflow {
    /// Checks that every link points at an existing node. Called by every importer, so a
    /// `Workflow` handed out by this crate never has a dangling link.
    pub fn check_links(&self) -> Result<(), WorkflowError> {
        for (id, node) in &self.nodes {
            for (name, input) in &node.inputs {
                if let Input::Link(link) = input {
                    if !self.nodes.contains_key(&link.node) {
                        return Err(WorkflowError::node(
                            id,
                            &node.class_type,
                            Some(name),
                            format!("links to node {}, which does not exist", link.node),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets a literal input value, e.g. a new seed or prompt.
    pub fn set_value(&mut self, node_id: &str, input: &str, value: Value) -> Result<(), WorkflowError> {
        let node = self
            .nodes
            .get_mut(node_id)
            .ok_or_else(|| WorkflowError::node(node_id, "?", Some(input), "no such node"))?;
        node.inputs.insert(input.to_string(), Input::Value(value));
        Ok(())
    }
}
