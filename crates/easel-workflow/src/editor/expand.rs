//! Dissolving container nodes before conversion: legacy group nodes (`workflow>Name` or
//! `workflow/Name`, defined in `extra.groupNodes`) and subgraph instances (defined in
//! `definitions.subgraphs`). Inner nodes get ids `"<instance>:<inner>"`, instance inputs feed the
//! inner sockets they stand for, and `redirects` maps each instance output to the inner output
//! behind it. Since a definition may hold instances of others, a small file could describe an
//! exponential graph ("billion laughs"), so expansion is bounded before it starts and while it
//! runs: the number of definitions, no definition containing itself (directly or through
//! others), the nesting depth, and running totals of expanded nodes and of what is copied out of
//! definitions, each refused with an error naming the definition. Promoted subgraph widgets and
//! group-node widgets fed from outside are not handled.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::flat::{id_text, read_nodes, FlatNode, Socket, Src};
use super::widgets::is_control_value;
use crate::schema::{InputType, Schemas};
use crate::{DefinitionKind, WorkflowError};

/// The most subgraph and group-node definitions (together) one editor file may carry. Real files
/// have a handful; each definition costs a little work even when no instance uses it.
pub const MAX_SUBGRAPH_DEFINITIONS: usize = 256;

/// How deep containers may nest: an instance inside a definition inside a definition, and so
/// on. Deeper instances are refused rather than sent on as nodes of an unknown class.
pub const MAX_SUBGRAPH_DEPTH: usize = 8;

/// The most editor nodes the graph may have while and after expanding, counting the frontend-only
/// ones (notes, reroutes, primitives) that vanish from the API graph; hence more than
/// `MAX_NODES`, which the converted graph must still meet.
pub const MAX_EXPANDED_NODES: usize = 2 * crate::MAX_NODES;

/// The most that expanding may copy out of definitions, estimated in bytes of parsed JSON (each
/// instance costs its whole definition). Node counts alone do not bound memory: a definition
/// with one node holding a megabyte of widget text costs a megabyte per instance.
pub const MAX_EXPANSION_BYTES: usize = 64 << 20;

/// Instance output -> the inner output it stands for.
pub(crate) type Redirects = HashMap<Src, Src>;

/// A definition, by the key its instances name it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DefId<'a> {
    /// A group node, by its name in `extra.groupNodes`.
    Group(&'a str),
    /// A subgraph, by its id in `definitions.subgraphs`.
    Sub(&'a str),
}

/// What expansion needs to know of one definition, worked out once.
struct Def<'a> {
    value: &'a Value,
    /// Length of its `nodes` list: the most nodes one instance adds.
    nodes: usize,
    /// Its estimated size (see `MAX_EXPANSION_BYTES`).
    bytes: usize,
}

/// The definitions of one editor file.
struct Definitions<'a> {
    groups: Option<&'a Map<String, Value>>,
    /// Subgraph id -> definition; the last of an id wins, as write-back also reads it.
    subgraphs: HashMap<&'a str, &'a Value>,
    defs: HashMap<DefId<'a>, Def<'a>>,
}

/// The group name in a node type of the form `workflow>Name` or `workflow/Name`.
fn group_name(kind: &str) -> Option<&str> {
    kind.strip_prefix("workflow>").or_else(|| kind.strip_prefix("workflow/"))
}

fn inner_nodes(def: &Value) -> &[Value] {
    def.get("nodes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// The estimated size of `value` once parsed: one `Value` per element plus its text. Iterative,
/// so it costs no stack whatever the nesting.
fn parsed_size(value: &Value) -> usize {
    let per_value = std::mem::size_of::<Value>();
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(per_value);
        match v {
            Value::String(s) => total = total.saturating_add(s.len()),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (k, v) in map {
                    total = total.saturating_add(k.len());
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    total
}

impl<'a> Definitions<'a> {
    fn read(graph: &'a Value) -> Result<Definitions<'a>, WorkflowError> {
        let groups = graph.get("extra").and_then(|e| e.get("groupNodes")).and_then(Value::as_object);
        let list = graph.get("definitions").and_then(|d| d.get("subgraphs")).and_then(Value::as_array);
        let count = groups.map_or(0, Map::len) + list.map_or(0, Vec::len);
        if count > MAX_SUBGRAPH_DEFINITIONS {
            return Err(WorkflowError::TooLarge {
                what: "subgraph and group-node definitions",
                count,
                limit: MAX_SUBGRAPH_DEFINITIONS,
            });
        }
        let subgraphs: HashMap<&str, &Value> =
            list.into_iter().flatten().filter_map(|s| Some((s.get("id")?.as_str()?, s))).collect();
        let def = |value: &'a Value| Def { value, nodes: inner_nodes(value).len(), bytes: parsed_size(value) };
        let mut defs = HashMap::with_capacity(count);
        for (name, value) in groups.into_iter().flatten() {
            defs.insert(DefId::Group(name.as_str()), def(value));
        }
        for (&id, &value) in &subgraphs {
            defs.insert(DefId::Sub(id), def(value));
        }
        Ok(Definitions { groups, subgraphs, defs })
    }

    /// The definition a node of type `kind` is an instance of: a group node when the type names
    /// one, else a subgraph whose id is the type.
    fn of(&self, kind: &str) -> Option<DefId<'a>> {
        if let Some((name, _)) = group_name(kind).and_then(|n| self.groups?.get_key_value(n)) {
            return Some(DefId::Group(name.as_str()));
        }
        self.subgraphs.get_key_value(kind).map(|(id, _)| DefId::Sub(id))
    }

    fn get(&self, id: DefId<'a>) -> Option<&Def<'a>> {
        self.defs.get(&id)
    }

    /// The definitions whose instances `id` holds, each once.
    fn children(&self, id: DefId<'a>) -> Vec<DefId<'a>> {
        let mut seen = HashSet::new();
        let nodes = self.get(id).map(|d| inner_nodes(d.value)).unwrap_or_default();
        nodes.iter().filter_map(|n| self.of(n.get("type")?.as_str()?)).filter(|child| seen.insert(*child)).collect()
    }

    /// Refuses a definition reachable from `kinds` (the top-level node types) that contains
    /// itself, directly or through others: a depth-first walk with an explicit stack, so a long
    /// chain of definitions costs no call stack.
    fn check_acyclic<'k>(&self, kinds: impl Iterator<Item = &'k str>) -> Result<(), WorkflowError> {
        #[derive(PartialEq)]
        enum Mark {
            /// On the current path.
            Open,
            /// Fully explored, no cycle below.
            Done,
        }
        let mut marks: HashMap<DefId, Mark> = HashMap::new();
        for root in kinds.filter_map(|k| self.of(k)) {
            if marks.contains_key(&root) {
                continue;
            }
            marks.insert(root, Mark::Open);
            let mut path = vec![(root, self.children(root))];
            while let Some((current, children)) = path.last_mut() {
                let current = *current;
                match children.pop() {
                    None => {
                        marks.insert(current, Mark::Done);
                        path.pop();
                    }
                    Some(child) => match marks.get(&child) {
                        Some(Mark::Done) => {}
                        Some(Mark::Open) => {
                            let from = path.iter().position(|(d, _)| *d == child).unwrap_or(0);
                            let mut names: Vec<&str> = path[from..].iter().map(|(d, _)| name(*d)).collect();
                            names.push(name(child));
                            return Err(error(
                                child,
                                format!(
                                    "it contains an instance of itself ({}), so it would expand without end",
                                    names.join(" -> ")
                                ),
                            ));
                        }
                        None => {
                            marks.insert(child, Mark::Open);
                            path.push((child, self.children(child)));
                        }
                    },
                }
            }
        }
        Ok(())
    }
}

fn name<'a>(id: DefId<'a>) -> &'a str {
    match id {
        DefId::Group(n) | DefId::Sub(n) => n,
    }
}

fn error(id: DefId, reason: String) -> WorkflowError {
    let kind = match id {
        DefId::Group(_) => DefinitionKind::GroupNode,
        DefId::Sub(_) => DefinitionKind::Subgraph,
    };
    WorkflowError::Definition { kind, id: name(id).to_string(), reason }
}

/// Expands every group-node and subgraph instance in `nodes`, level by level, within the limits
/// above.
pub(crate) fn expand(
    nodes: IndexMap<String, FlatNode>,
    graph: &Value,
    schemas: &Schemas,
    redirects: &mut Redirects,
    warnings: &mut Vec<String>,
) -> Result<IndexMap<String, FlatNode>, WorkflowError> {
    let defs = Definitions::read(graph)?;
    defs.check_acyclic(nodes.values().map(|n| n.kind.as_str()))?;
    let mut copied = 0usize;
    let mut current = nodes;
    for depth in 0..=MAX_SUBGRAPH_DEPTH {
        let mut changed = false;
        let total = current.len();
        let mut next = IndexMap::with_capacity(total);
        for (done, (id, node)) in current.into_iter().enumerate() {
            let Some((def_id, def)) = defs.of(&node.kind).and_then(|d| Some((d, defs.get(d)?))) else {
                if group_name(&node.kind).is_some() {
                    warnings.push(format!(
                        "node {id} ({}): group node without a definition in extra.groupNodes; dropped",
                        node.kind
                    ));
                } else {
                    next.insert(id, node);
                }
                continue;
            };
            if depth == MAX_SUBGRAPH_DEPTH {
                return Err(error(
                    def_id,
                    format!("instance node {id} is nested more than {MAX_SUBGRAPH_DEPTH} containers deep"),
                ));
            }
            // The graph as it would be with this instance expanded: what is done, what is still
            // to come at this level, and the instance's inner nodes.
            let count = next.len() + (total - done - 1) + def.nodes;
            if count > MAX_EXPANDED_NODES {
                return Err(error(
                    def_id,
                    format!(
                        "expanding instance node {id} would bring the graph to {count} editor nodes, \
                         over the limit of {MAX_EXPANDED_NODES}"
                    ),
                ));
            }
            copied = copied.saturating_add(def.bytes);
            if copied > MAX_EXPANSION_BYTES {
                return Err(error(
                    def_id,
                    format!(
                        "expanding instance node {id} would copy about {} MiB out of definitions, \
                         over the limit of {} MiB",
                        copied >> 20,
                        MAX_EXPANSION_BYTES >> 20
                    ),
                ));
            }
            let inner = match def_id {
                DefId::Group(_) => expand_group(&node, def.value, schemas, redirects),
                DefId::Sub(_) => expand_subgraph(&node, def.value, redirects)?,
            };
            changed = true;
            for (inner_id, mut n) in inner {
                if node.mode != 0 && n.mode == 0 {
                    n.mode = node.mode;
                }
                next.insert(inner_id, n);
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
