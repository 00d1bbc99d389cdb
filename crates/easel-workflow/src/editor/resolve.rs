//! Following one input's link back to the real node output that feeds it, the way the ComfyUI
//! frontend does when it queues a prompt: through legacy Reroutes, KJNodes Set/Get pairs and
//! bypassed nodes; a PrimitiveNode yields its value (and its id, so write-back can find it); a
//! muted or missing origin deletes the input. Nodes inside group nodes and subgraphs are resolved
//! on the expanded graph, so this module never sees containers.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::expand::Redirects;
use super::flat::{FlatNode, Src};

/// Frontend-only node types: never sent to a server.
pub(crate) const VIRTUAL: &[&str] = &[
    "Note",
    "MarkdownNote",
    "PrimitiveNode",
    "Reroute",
    "SetNode",
    "GetNode",
    "Label (rgthree)",
    "Fast Groups Bypasser (rgthree)",
    "Fast Groups Muter (rgthree)",
    "Fast Bypasser (rgthree)",
    "Fast Muter (rgthree)",
    "Bookmark (rgthree)",
];

/// What an input resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    /// A real node's output.
    Link(Src),
    /// A value, from the PrimitiveNode with this id.
    Literal(Value, String),
    /// The origin is muted or gone: the input disappears from the prompt.
    Deleted,
    /// Nothing connects (e.g. a bypassed node with no matching input): a widget keeps its value.
    Nothing,
}

fn compatible(a: &str, b: &str) -> bool {
    a == "*"
        || b == "*"
        || a.is_empty()
        || b.is_empty()
        || a == b
        || a.split(',').any(|t| t == b)
        || b.split(',').any(|t| t == a)
}

/// The expanded graph with what resolving needs: container redirects and the KJNodes setters by
/// name, indexed once so each GetNode hop is a lookup rather than a scan of the graph.
pub(crate) struct Graph<'a> {
    pub nodes: &'a IndexMap<String, FlatNode>,
    redirects: &'a Redirects,
    /// `widgets_values[0]` of a SetNode as JSON text -> the first SetNode with that name.
    setters: HashMap<Option<String>, &'a FlatNode>,
}

fn setter_name(node: &FlatNode) -> Option<String> {
    node.widgets.as_array().and_then(|a| a.first()).map(Value::to_string)
}

impl<'a> Graph<'a> {
    pub(crate) fn new(nodes: &'a IndexMap<String, FlatNode>, redirects: &'a Redirects) -> Graph<'a> {
        let mut setters = HashMap::new();
        for n in nodes.values().filter(|n| n.kind == "SetNode") {
            setters.entry(setter_name(n)).or_insert(n);
        }
        Graph { nodes, redirects, setters }
    }

    /// Resolves the source `src` of an input that expects type `want`.
    pub(crate) fn resolve(&self, src: &Src, want: &str) -> Resolved {
        let mut src = src.clone();
        // Each step moves to another node; a cycle of virtual nodes ends after this many steps.
        for _ in 0..256 {
            let mut hops = 0;
            while let Some(r) = self.redirects.get(&src) {
                src = r.clone();
                hops += 1;
                if hops > 64 {
                    return Resolved::Deleted;
                }
            }
            let Some(node) = self.nodes.get(&src.node) else { return Resolved::Deleted };
            if node.mode == 2 {
                return Resolved::Deleted;
            }
            let next = match node.kind.as_str() {
                "PrimitiveNode" => {
                    return match node.widgets.as_array().and_then(|a| a.first()) {
                        Some(v) => Resolved::Literal(v.clone(), node.id.clone()),
                        None => Resolved::Nothing,
                    }
                }
                "Reroute" | "SetNode" => match node.inputs.first() {
                    Some(s) => s.source.clone(),
                    None => return Resolved::Deleted,
                },
                "GetNode" => match self.setters.get(&setter_name(node)).and_then(|s| s.inputs.first()) {
                    Some(s) => s.source.clone(),
                    None => return Resolved::Deleted,
                },
                _ if node.mode == 4 => {
                    match bypass_input(node, src.slot as usize, want).and_then(|i| node.inputs.get(i)?.source.as_ref())
                    {
                        Some(s) => Some(s.clone()),
                        None => return Resolved::Nothing,
                    }
                }
                kind if VIRTUAL.contains(&kind) => return Resolved::Deleted,
                _ => return Resolved::Link(src),
            };
            match next {
                Some(n) => src = n,
                // An unconnected reroute or setter: nothing reaches the consumer.
                None => return Resolved::Deleted,
            }
        }
        Resolved::Deleted
    }
}

/// Which input of a bypassed node passes through to output `slot` for a consumer of type `want`.
fn bypass_input(node: &FlatNode, slot: usize, want: &str) -> Option<usize> {
    if node.inputs.is_empty() {
        return None;
    }
    if want == "*" || want.is_empty() {
        return Some(if slot < node.inputs.len() { slot } else { 0 });
    }
    let out_ty = node.outputs.get(slot).map(String::as_str).unwrap_or("*");
    if let Some(s) = node.inputs.get(slot) {
        if compatible(&s.ty, want) && compatible(out_ty, want) {
            return Some(slot);
        }
    }
    node.inputs
        .iter()
        .position(|s| s.ty == want)
        .or_else(|| node.inputs.iter().position(|s| compatible(&s.ty, want) && compatible(&s.ty, out_ty)))
}
