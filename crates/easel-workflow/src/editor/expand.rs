//! Dissolving container nodes before conversion: legacy group nodes (`workflow>Name` or
//! `workflow/Name`, defined in `extra.groupNodes`) and subgraph instances (defined in
//! `definitions.subgraphs`). Inner nodes get ids `"<instance>:<inner>"`, instance inputs feed the
//! inner sockets they stand for, and `redirects` maps each instance output to the inner output
//! behind it. Promoted subgraph widgets and group-node widgets fed from outside are not handled.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::Value;

use super::flat::{id_text, read_nodes, FlatNode, Socket, Src};
use super::widgets::is_control_value;
use crate::schema::{InputType, Schemas};
use crate::WorkflowError;

/// Instance output -> the inner output it stands for.
pub(crate) type Redirects = HashMap<Src, Src>;

/// Expands every group-node and subgraph instance in `nodes`, recursively (depth-limited).
pub(crate) fn expand(
    nodes: IndexMap<String, FlatNode>,
    graph: &Value,
    schemas: &Schemas,
    redirects: &mut Redirects,
    warnings: &mut Vec<String>,
) -> Result<IndexMap<String, FlatNode>, WorkflowError> {
    let groups = graph.get("extra").and_then(|e| e.get("groupNodes")).and_then(Value::as_object);
    let subgraphs: HashMap<&str, &Value> = graph
        .get("definitions")
        .and_then(|d| d.get("subgraphs"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s.get("id")?.as_str()?, s)))
        .collect();
    let mut current = nodes;
    for _depth in 0..8 {
        let mut changed = false;
        let mut next = IndexMap::with_capacity(current.len());
        for (id, node) in current {
            let group_name = node.kind.strip_prefix("workflow>").or_else(|| node.kind.strip_prefix("workflow/"));
            let inner = if let Some(def) = group_name.and_then(|n| groups?.get(n)) {
                Some(expand_group(&node, def, schemas, redirects))
            } else if let Some(def) = subgraphs.get(node.kind.as_str()) {
                Some(expand_subgraph(&node, def, redirects)?)
            } else {
                if group_name.is_some() {
                    warnings.push(format!(
                        "node {id} ({}): group node without a definition in extra.groupNodes; dropped",
                        node.kind
                    ));
                    continue;
                }
                None
            };
            match inner {
                Some(inner) => {
                    changed = true;
                    for (inner_id, mut n) in inner {
                        if node.mode != 0 && n.mode == 0 {
                            n.mode = node.mode;
                        }
                        next.insert(inner_id, n);
                    }
                }
                None => {
                    next.insert(id, node);
                }
            }
        }
        current = next;
        if !changed {
            break;
        }
    }
    Ok(current)
}

fn expand_group(
    instance: &FlatNode,
    def: &Value,
    schemas: &Schemas,
    redirects: &mut Redirects,
) -> IndexMap<String, FlatNode> {
    let prefix = format!("{}:", instance.id);
    let defs: Vec<&Value> = def.get("nodes").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    // Inner nodes carry no ids; their index is their id.
    let wrapped = serde_json::json!({
        "nodes": defs.iter().enumerate().map(|(i, n)| {
            let mut n = (*n).clone();
            if let Value::Object(o) = &mut n {
                let index = o.get("index").cloned().unwrap_or(Value::from(i));
                o.insert("id".into(), index);
                if let Some(Value::Array(inputs)) = o.get_mut("inputs") {
                    for s in inputs { if let Value::Object(s) = s { s.remove("link"); } }
                }
            }
            n
        }).collect::<Vec<_>>()
    });
    let Ok(mut inner) = read_nodes(&wrapped, &prefix) else { return IndexMap::new() };
    let ids: Vec<String> = inner.keys().cloned().collect();
    let mut fed: HashSet<(String, usize)> = HashSet::new();
    let mut consumed: HashSet<(String, u32)> = HashSet::new();
    for link in def.get("links").and_then(Value::as_array).into_iter().flatten() {
        let Some(l) = link.as_array() else { continue };
        let target = l.get(2).and_then(id_text).map(|t| format!("{prefix}{t}"));
        let target_slot = l.get(3).and_then(Value::as_u64).map(|s| s as usize);
        let (Some(target), Some(target_slot)) = (target, target_slot) else { continue };
        let Some(origin) = l.first().and_then(id_text) else { continue };
        let origin_slot = l.get(1).and_then(Value::as_u64).and_then(|s| u32::try_from(s).ok()).unwrap_or(0);
        let origin = format!("{prefix}{origin}");
        consumed.insert((origin.clone(), origin_slot));
        fed.insert((target.clone(), target_slot));
        if let Some(socket) = inner.get_mut(&target).and_then(|n| n.inputs.get_mut(target_slot)) {
            socket.source = Some(Src { node: origin, slot: origin_slot });
        }
    }
    // Instance link inputs stand, in order, for the inner link sockets not fed inside the group.
    let outer: Vec<&Socket> = instance.inputs.iter().filter(|s| s.widget.is_none()).collect();
    let mut k = 0;
    for id in &ids {
        let Some(node) = inner.get_mut(id) else { continue };
        for (j, socket) in node.inputs.iter_mut().enumerate() {
            if socket.widget.is_some() || fed.contains(&(id.clone(), j)) {
                continue;
            }
            socket.source = outer.get(k).and_then(|s| s.source.clone());
            k += 1;
        }
    }
    // Instance outputs: inner outputs used outside (`external`) or not consumed inside.
    let external: HashSet<(String, u32)> = def
        .get("external")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let e = e.as_array()?;
            let index = match e.first()? {
                Value::Object(o) => o.get("index").and_then(id_text)?,
                v => id_text(v)?,
            };
            Some((format!("{prefix}{index}"), u32::try_from(e.get(1)?.as_u64()?).ok()?))
        })
        .collect();
    let mut slot = 0u32;
    for id in &ids {
        let Some(node) = inner.get(id) else { continue };
        for j in 0..node.outputs.len() as u32 {
            let key = (id.clone(), j);
            if external.contains(&key) || !consumed.contains(&key) {
                redirects.insert(Src { node: instance.id.clone(), slot }, Src { node: id.clone(), slot: j });
                slot += 1;
            }
        }
    }
    spread_widgets(instance, &mut inner, &ids, &fed, schemas);
    inner
}

/// Hands the instance's flattened widget values back to the inner nodes, in inner-node order,
/// recording in `stream` which instance position each value came from.
fn spread_widgets(
    instance: &FlatNode,
    inner: &mut IndexMap<String, FlatNode>,
    ids: &[String],
    fed: &HashSet<(String, usize)>,
    schemas: &Schemas,
) {
    let Value::Array(stream) = &instance.widgets else { return };
    let mut pos = 0;
    for id in ids {
        let Some(node) = inner.get_mut(id) else { continue };
        let Some(schema) = schemas.get(&node.kind) else {
            // Unknown or virtual inner nodes: take as many values as they hold themselves.
            let n = node.widgets.as_array().map_or(0, Vec::len);
            if let Some(values) = stream.get(pos..pos + n).filter(|_| n > 0) {
                node.widgets = Value::Array(values.to_vec());
                node.stream = (pos..pos + n).map(Some).collect();
            }
            pos += n;
            continue;
        };
        let own = node.widgets.as_array().cloned().unwrap_or_default();
        let mut own_pos = 0;
        let mut merged = Vec::new();
        let mut origin = Vec::new();
        for w in schema.widgets() {
            let linked = node
                .inputs
                .iter()
                .enumerate()
                .any(|(j, s)| s.widget.as_deref() == Some(&w.name) && fed.contains(&(id.clone(), j)));
            // The positions one widget takes: its value, then its control (and filter) values.
            let take = |values: &[Value], at: &mut usize| {
                let start = *at;
                if values.get(*at).is_some() {
                    *at += 1;
                    if w.control_after_generate && is_control_value(values.get(*at)) {
                        *at += 1;
                        if w.kind == InputType::Combo && values.get(*at).is_some_and(Value::is_string) {
                            *at += 1;
                        }
                    }
                }
                start..*at
            };
            let own_range = take(&own, &mut own_pos);
            if linked {
                merged.extend_from_slice(own.get(own_range.clone()).unwrap_or_default());
                origin.extend(own_range.map(|_| None));
            } else {
                let range = take(stream, &mut pos);
                merged.extend_from_slice(stream.get(range.clone()).unwrap_or_default());
                origin.extend(range.map(Some));
            }
        }
        if !merged.is_empty() {
            node.widgets = Value::Array(merged);
            node.stream = origin;
        }
    }
}

fn expand_subgraph(
    instance: &FlatNode,
    def: &Value,
    redirects: &mut Redirects,
) -> Result<IndexMap<String, FlatNode>, WorkflowError> {
    let prefix = format!("{}:", instance.id);
    let mut inner = read_nodes(def, &prefix)?;
    let input_node = format!("{prefix}-10");
    for node in inner.values_mut() {
        for socket in &mut node.inputs {
            if socket.source.as_ref().is_some_and(|s| s.node == input_node) {
                let slot = socket.source.as_ref().map_or(0, |s| s.slot) as usize;
                socket.source = instance.inputs.get(slot).and_then(|s| s.source.clone());
            }
        }
    }
    for link in def.get("links").and_then(Value::as_array).into_iter().flatten() {
        let target = link.get("target_id").and_then(id_text);
        if target.as_deref() != Some("-20") {
            continue;
        }
        let slot = |k: &str| link.get(k).and_then(Value::as_u64).and_then(|s| u32::try_from(s).ok());
        if let (Some(origin), Some(os), Some(ts)) =
            (link.get("origin_id").and_then(id_text), slot("origin_slot"), slot("target_slot"))
        {
            redirects.insert(
                Src { node: instance.id.clone(), slot: ts },
                Src { node: format!("{prefix}{origin}"), slot: os },
            );
        }
    }
    Ok(inner)
}
