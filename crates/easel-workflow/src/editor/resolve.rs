//! Following one input's link back to the real node output that feeds it, the way the ComfyUI
//! frontend does when it queues a prompt: through legacy Reroutes, KJNodes Set/Get pairs and
//! bypassed nodes; a PrimitiveNode yields its value; a muted or missing origin deletes the input.

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
    /// A value (from a PrimitiveNode).
    Literal(Value),
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

/// Resolves the source `src` of an input that expects type `want`.
pub(crate) fn resolve(nodes: &IndexMap<String, FlatNode>, redirects: &Redirects, src: &Src, want: &str) -> Resolved {
    let mut src = src.clone();
    // Each step moves to another node; a cycle of virtual nodes ends after this many steps.
    for _ in 0..256 {
        let mut hops = 0;
        while let Some(r) = redirects.get(&src) {
            src = r.clone();
            hops += 1;
            if hops > 64 {
                return Resolved::Deleted;
            }
        }
        let Some(node) = nodes.get(&src.node) else { return Resolved::Deleted };
        if node.mode == 2 {
            return Resolved::Deleted;
        }
        let next = match node.kind.as_str() {
            "PrimitiveNode" => {
                return match node.widgets.as_array().and_then(|a| a.first()) {
                    Some(v) => Resolved::Literal(v.clone()),
                    None => Resolved::Nothing,
                }
            }
            "Reroute" | "SetNode" => match node.inputs.first() {
                Some(s) => s.source.clone(),
                None => return Resolved::Deleted,
            },
            "GetNode" => {
                let name = node.widgets.as_array().and_then(|a| a.first()).cloned();
                let setter = nodes
                    .values()
                    .find(|n| n.kind == "SetNode" && n.widgets.as_array().and_then(|a| a.first()) == name.as_ref());
                match setter.and_then(|s| s.inputs.first()) {
                    Some(s) => s.source.clone(),
                    None => return Resolved::Deleted,
                }
            }
            _ if node.mode == 4 => match bypass_input(node, src.slot as usize, want) {
                Some(i) => match &node.inputs[i].source {
                    Some(s) => Some(s.clone()),
                    None => return Resolved::Nothing,
                },
                None => return Resolved::Nothing,
            },
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
