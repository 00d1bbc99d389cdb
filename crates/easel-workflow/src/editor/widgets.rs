//! Naming the positional `widgets_values` of an editor node. With a schema the order is the
//! definition's widget inputs, with the frontend's extra slots skipped: one seed-control value
//! after seed-like INTs, two after controlled combos, the image-upload button after the last
//! widget. Without a schema the node's widget sockets (saved by newer frontends) give the names.
//! Control slots are only skipped when they hold a control word, so files saved by frontends
//! that did not write them still line up. Import and write-back both use `slots`, so a value is
//! written back to exactly the position it was read from.

use serde_json::Value;

use super::flat::FlatNode;
use crate::schema::{InputType, NodeSchema};

const CONTROL_WORDS: &[&str] = &["fixed", "increment", "decrement", "randomize", "increment-wrap"];

/// Early frontends saved the seed control as a boolean ("randomize after every gen").
pub(crate) fn is_control_value(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::String(s)) if CONTROL_WORDS.contains(&s.as_str())) || matches!(v, Some(Value::Bool(_)))
}

/// The node's widget values by input name, in widget order. Values a schema cannot name are
/// counted in the second result so the caller can warn.
pub(crate) fn named_values(node: &FlatNode, schema: Option<&NodeSchema>) -> (Vec<(String, Value)>, usize) {
    match &node.widgets {
        Value::Object(map) => (map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(), 0),
        Value::Array(values) => {
            let (slots, rest) = slots(values, node, schema);
            (slots.into_iter().filter_map(|(name, i)| Some((name, values.get(i)?.clone()))).collect(), rest)
        }
        _ => (Vec::new(), 0),
    }
}

/// Input name -> index in the positional `values`, in widget order, and the count of values
/// left unnamed. Every index returned is within `values`.
pub(crate) fn slots(values: &[Value], node: &FlatNode, schema: Option<&NodeSchema>) -> (Vec<(String, usize)>, usize) {
    match schema {
        Some(schema) => by_schema(values, schema),
        None => by_sockets(values, node),
    }
}

fn by_schema(values: &[Value], schema: &NodeSchema) -> (Vec<(String, usize)>, usize) {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut uploads = 0;
    for w in schema.widgets() {
        if pos >= values.len() {
            break;
        }
        out.push((w.name.clone(), pos));
        pos += 1;
        if w.control_after_generate && is_control_value(values.get(pos)) {
            pos += 1;
            // Controlled combos also keep a filter string after the mode.
            if w.kind == InputType::Combo && matches!(values.get(pos), Some(Value::String(_))) {
                pos += 1;
            }
        }
        if w.image_upload {
            uploads += 1;
        }
    }
    // The upload button's value ("image") follows the real widgets; anything else is unnamed.
    let rest = values.len().saturating_sub(pos + uploads);
    (out, rest)
}

fn by_sockets(values: &[Value], node: &FlatNode) -> (Vec<(String, usize)>, usize) {
    let names = node.inputs.iter().filter_map(|s| s.widget.as_deref());
    let mut out = Vec::new();
    let mut pos = 0;
    for name in names {
        let Some(v) = values.get(pos) else { break };
        out.push((name.to_string(), pos));
        pos += 1;
        if (v.is_i64() || v.is_u64()) && is_control_value(values.get(pos)) {
            pos += 1;
        }
    }
    (out, values.len().saturating_sub(pos))
}
