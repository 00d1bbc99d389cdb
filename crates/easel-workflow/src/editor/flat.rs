//! Reading a ComfyUI editor graph (schema 0.4 array links or schema 1 object links) into a flat
//! list of nodes whose input sockets name their source directly (`node id`, `slot`), so later
//! steps never look at link ids again. Positions, sizes, colours and groups are ignored: they
//! matter to the editor, not to what runs.

use indexmap::IndexMap;
use serde_json::Value;
use std::collections::HashMap;

use crate::WorkflowError;

/// Where an input's value comes from: output `slot` of node `node`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Src {
    pub node: String,
    pub slot: u32,
}

/// One input socket of an editor node.
#[derive(Debug, Clone)]
pub(crate) struct Socket {
    pub name: String,
    pub ty: String,
    /// Set when the socket stands for a widget (a "converted widget").
    pub widget: Option<String>,
    pub source: Option<Src>,
}

/// One editor node, flattened.
#[derive(Debug, Clone)]
pub(crate) struct FlatNode {
    pub id: String,
    pub kind: String,
    pub mode: i64,
    pub title: Option<String>,
    pub inputs: Vec<Socket>,
    /// Output types, by slot.
    pub outputs: Vec<String>,
    /// `widgets_values` as written (array, object or null).
    pub widgets: Value,
    /// For inner nodes of a group-node instance whose values were handed down from the
    /// instance: where each of `widgets` sits in the instance's `widgets_values` (`None` for
    /// values that stayed the inner node's own). Empty otherwise. Write-back follows it.
    pub stream: Vec<Option<usize>>,
}

/// A node id as text: numbers are written without a fraction.
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.as_i64().map(|i| i.to_string()).unwrap_or_else(|| n.to_string())),
        _ => None,
    }
}

fn slot(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A slot's type, which may be a string, a list of strings or a number.
fn type_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
        Some(Value::Number(n)) => n.to_string(),
        _ => "*".into(),
    }
}

/// Link id -> (origin node, origin slot), from either link form.
pub(crate) fn link_table(links: Option<&Value>) -> HashMap<String, Src> {
    let mut table = HashMap::new();
    for link in links.and_then(Value::as_array).into_iter().flatten() {
        let (id, origin, origin_slot) = match link {
            Value::Array(a) => (a.first(), a.get(1), slot(a.get(2))),
            Value::Object(o) => (o.get("id"), o.get("origin_id"), slot(o.get("origin_slot"))),
            _ => continue,
        };
        if let (Some(id), Some(node), Some(slot)) = (id.and_then(id_text), origin.and_then(id_text), origin_slot) {
            table.insert(id, Src { node, slot });
        }
    }
    table
}

/// Flattens the `nodes` of one graph level, with ids prefixed by `prefix` (e.g. `"37:"`).
pub(crate) fn read_nodes(graph: &Value, prefix: &str) -> Result<IndexMap<String, FlatNode>, WorkflowError> {
    let links = link_table(graph.get("links"));
    let Some(nodes) = graph.get("nodes").and_then(Value::as_array) else {
        return Err(WorkflowError::UnknownFormat("editor graph without a `nodes` list".into()));
    };
    let mut out = IndexMap::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let Some(raw_id) = node.get("id").and_then(id_text) else {
            return Err(WorkflowError::node(&format!("#{i}"), "?", None, "editor node without an id"));
        };
        let kind = node.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
        if kind.is_empty() {
            return Err(WorkflowError::node(&raw_id, "?", None, "editor node without a type"));
        }
        let inputs = node
            .get("inputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|s| Socket {
                name: s.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                ty: type_text(s.get("type")),
                widget: s.get("widget").and_then(|w| w.get("name")).and_then(Value::as_str).map(str::to_string),
                source: s
                    .get("link")
                    .and_then(id_text)
                    .and_then(|l| links.get(&l))
                    .map(|src| Src { node: format!("{prefix}{}", src.node), slot: src.slot }),
            })
            .collect();
        let outputs = node
            .get("outputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|o| type_text(o.get("type")))
            .collect();
        let id = format!("{prefix}{raw_id}");
        let flat = FlatNode {
            id: id.clone(),
            kind,
            mode: node.get("mode").and_then(Value::as_i64).unwrap_or(0),
            title: node.get("title").and_then(Value::as_str).map(str::to_string),
            inputs,
            outputs,
            widgets: node.get("widgets_values").cloned().unwrap_or(Value::Null),
            stream: Vec::new(),
        };
        if out.insert(id.clone(), flat).is_some() {
            return Err(WorkflowError::node(&id, "?", None, "two editor nodes share this id"));
        }
    }
    Ok(out)
}
