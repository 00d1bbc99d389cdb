//! The ComfyUI editor format (what "Save" writes and PNGs carry as `workflow`): nodes with
//! positional `widgets_values`, numbered links, groups. This module turns it into the API graph
//! a server runs, following the frontend's rules: notes, primitives, reroutes and other virtual
//! nodes vanish, muted nodes are dropped, bypassed nodes are wired around, group nodes and
//! subgraphs are expanded to `"<id>:<inner>"` nodes, and widget values are named with node
//! schemas. Expansion is bounded (see `expand`) and the converted graph must meet `MAX_NODES`.
//! `write_back` (in `write`) goes the other way for values only: it puts an API graph's literal
//! values back into the widgets of the editor graph it came from. Building an editor graph from
//! scratch, and dynamic-prompt expansion, are left out.

mod expand;
mod flat;
mod resolve;
mod widgets;
mod write;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::schema::Schemas;
use crate::{Input, Link, Node, Workflow, WorkflowError};
pub use expand::{MAX_EXPANDED_NODES, MAX_EXPANSION_BYTES, MAX_SUBGRAPH_DEFINITIONS, MAX_SUBGRAPH_DEPTH};
use flat::FlatNode;
use resolve::{Graph, Resolved, VIRTUAL};
pub use write::write_back;

/// True when `value` looks like an editor graph (`nodes` list plus `links` or `version`).
pub fn is_editor_graph(value: &Value) -> bool {
    value.get("nodes").is_some_and(Value::is_array) && (value.get("links").is_some() || value.get("version").is_some())
}

/// Converts an editor graph to the API graph, with warnings for what could not be carried over.
pub fn editor_to_workflow(graph: &Value, schemas: &Schemas) -> Result<(Workflow, Vec<String>), WorkflowError> {
    let converted = convert(graph, schemas)?;
    if converted.workflow.nodes.is_empty() {
        return Err(WorkflowError::UnknownFormat(
            "the editor graph has no node that would run (all are notes, primitives, muted or bypassed)".into(),
        ));
    }
    Ok((converted.workflow, converted.warnings))
}

/// A conversion with the expanded editor nodes it was made from (write-back needs both).
pub(crate) struct Converted {
    pub nodes: IndexMap<String, FlatNode>,
    pub redirects: expand::Redirects,
    pub workflow: Workflow,
    pub warnings: Vec<String>,
}

pub(crate) fn convert(graph: &Value, schemas: &Schemas) -> Result<Converted, WorkflowError> {
    let mut warnings = Vec::new();
    let mut redirects = expand::Redirects::new();
    let nodes = flat::read_nodes(graph, "")?;
    if nodes.len() > MAX_EXPANDED_NODES {
        return Err(WorkflowError::TooLarge { what: "editor nodes", count: nodes.len(), limit: MAX_EXPANDED_NODES });
    }
    let nodes = expand::expand(nodes, graph, schemas, &mut redirects, &mut warnings)?;
    let mut workflow = Workflow::default();
    {
        let resolver = Graph::new(&nodes, &redirects);
        for node in nodes.values() {
            if node.mode == 2 || node.mode == 4 || VIRTUAL.contains(&node.kind.as_str()) {
                continue;
            }
            let api = emit(node, &resolver, schemas, &mut warnings);
            workflow.nodes.insert(node.id.clone(), api);
        }
    }
    WorkflowError::check_node_count(workflow.nodes.len())?;
    // Final pass, as in the frontend: links to nodes that were not emitted are deleted.
    let present: std::collections::HashSet<String> = workflow.nodes.keys().cloned().collect();
    for (id, node) in workflow.nodes.iter_mut() {
        node.inputs.retain(|name, input| match input {
            Input::Link(l) if !present.contains(&l.node) => {
                warnings.push(format!(
                    "node {id} ({}), input `{name}`: linked node {} is not part of the prompt; input dropped",
                    node.class_type, l.node
                ));
                false
            }
            _ => true,
        });
    }
    Ok(Converted { nodes, redirects, workflow, warnings })
}

fn emit(node: &FlatNode, graph: &Graph, schemas: &Schemas, warnings: &mut Vec<String>) -> Node {
    let schema = schemas.get(&node.kind);
    let (values, unnamed) = widgets::named_values(node, schema);
    if unnamed > 0 && schema.is_none() {
        warnings.push(format!(
            "node {} ({}): no schema for this class, so {unnamed} widget value(s) could not be named and were left out",
            node.id, node.kind
        ));
    }
    let mut inputs: IndexMap<String, Input> = IndexMap::new();
    for (name, value) in values {
        // Array values are wrapped so a two-element list is never mistaken for a link.
        let value =
            if value.is_array() { Value::Object(Map::from_iter([("__value__".to_string(), value)])) } else { value };
        inputs.insert(name, Input::Value(value));
    }
    for socket in &node.inputs {
        let name = socket.widget.clone().unwrap_or_else(|| socket.name.clone());
        let Some(src) = &socket.source else { continue };
        match graph.resolve(src, &socket.ty) {
            Resolved::Link(s) => {
                inputs.insert(name, Input::Link(Link { node: s.node, output: s.slot }));
            }
            Resolved::Literal(v, _) => {
                inputs.insert(name, Input::Value(v));
            }
            Resolved::Deleted => {
                inputs.shift_remove(&name);
            }
            Resolved::Nothing => {}
        }
    }
    let title =
        node.title.clone().or_else(|| schema.map(|s| s.display_name.clone())).unwrap_or_else(|| node.kind.clone());
    Node { class_type: node.kind.clone(), inputs, title: Some(title), extra: Map::new() }
}

#[cfg(test)]
mod tests;
