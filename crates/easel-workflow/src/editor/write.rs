//! Writing an API graph's literal values back into the editor graph it was imported from, so a
//! result reopens in ComfyUI showing what was actually sent. Each value goes to the position the
//! importer read it from (the same widget naming, so seed-control companions stay put), or to
//! the PrimitiveNode feeding that widget; inner nodes of group nodes go to the instance's
//! flattened values, inner nodes of a subgraph used once go to its definition. Only values that
//! differ from what the editor graph already gives are touched, so an unedited graph comes back
//! equal. Links, nodes added or removed in the app, and structure are never written: the result
//! has the editor graph's shape, and whatever could not be placed is reported.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::flat::{id_text, FlatNode};
use super::resolve::{Graph, Resolved};
use super::{convert, widgets};
use crate::schema::Schemas;
use crate::{Input, Workflow};

/// Inputs that older frontends put in the prompt for widgets that are not inputs (the upload
/// button, the seed control): their saved editor state stays as it is.
const FRONTEND_ONLY: &[&str] =
    &["upload", "choose file to upload", "control_after_generate", "Random seed after every gen"];

/// Where a node's own `widgets_values` live in the editor JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Home {
    /// `nodes[i]`.
    Top(usize),
    /// `definitions.subgraphs[k].nodes[j]`.
    Sub(usize, usize),
}

/// One place inside a `widgets_values`: a position, or a key when the node saves an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Index(usize),
    Name(String),
}

/// How the positions of an expanded node's `widgets` map to the editor JSON.
enum Owner<'a> {
    /// Position for position, the `widgets_values` at this home.
    Own(Home),
    /// A group node's inner node: position `i` is `stream[i]` of the instance at this home.
    Stream(Home, &'a [Option<usize>]),
    /// Not mappable, for this reason.
    Unmapped(String),
}

/// A copy of `editor` whose widget values (and PrimitiveNode values) equal the literal values of
/// `workflow`, the API graph converted from it and then edited; plus a warning for every value
/// that could not be placed or does not read back. Links in `workflow` are left alone, and
/// nothing but the values written changes. Never panics; work grows linearly with the graphs.
pub fn write_back(editor: &Value, workflow: &Workflow, schemas: &Schemas) -> (Value, Vec<String>) {
    let mut warnings = Vec::new();
    let converted = match convert(editor, schemas) {
        Ok(c) => c,
        Err(e) => {
            warnings.push(format!("the editor graph could not be read ({e}); no value was written back"));
            return (editor.clone(), warnings);
        }
    };
    let index = Index::new(editor);
    let graph = Graph::new(&converted.nodes, &converted.redirects);
    // Inputs already reported, so the read-back check does not report them twice.
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    let mut plan: Vec<(Home, Key, Value, String)> = Vec::new();
    let mut planned: HashMap<(Home, Key), (Value, String)> = HashMap::new();
    for (id, node) in &workflow.nodes {
        let base = converted.workflow.nodes.get(id);
        let changed: Vec<(&str, &Value)> = node
            .inputs
            .iter()
            .filter_map(|(name, input)| Some((name.as_str(), input.value()?)))
            .filter(|(name, _)| !FRONTEND_ONLY.contains(name))
            .filter(|(name, v)| !base.and_then(|b| b.inputs.get(*name)?.value()).is_some_and(|b| same(b, v)))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let who = |name: &str| format!("node {id} ({}), input `{name}`", node.class_type);
        let flat = converted
            .nodes
            .get(id)
            .filter(|f| f.kind == node.class_type || crate::tensorart::stock_class(&f.kind) == node.class_type);
        let Some(flat) = flat else {
            warnings.push(format!(
                "node {id} ({}): no node of this id and class in the editor graph; its values are not written back",
                node.class_type
            ));
            reported.extend(changed.iter().map(|(name, _)| (id.as_str(), *name)));
            continue;
        };
        let owner = index.owner(id, flat);
        let sockets = socket_outcomes(flat, &graph);
        let schema = schemas.get(&flat.kind);
        let slots: HashMap<String, usize> = match &flat.widgets {
            Value::Array(values) => widgets::slots(values, flat, schema).0.into_iter().collect(),
            _ => HashMap::new(),
        };
        // Reasons in first-seen order, each with the inputs it stopped: one warning per reason.
        let mut failed: Vec<(String, Vec<&str>)> = Vec::new();
        let mut by_reason: HashMap<String, usize> = HashMap::new();
        for (name, value) in changed {
            let place = match sockets.get(name) {
                Some(Resolved::Link(src)) => Err(format!("the editor graph wires them to node {}", src.node)),
                Some(Resolved::Deleted) => Err("their editor links come from muted or missing nodes".to_string()),
                Some(Resolved::Literal(_, prim)) => index
                    .primitive(prim)
                    .map(|i| (Home::Top(i), Key::Index(0)))
                    .ok_or_else(|| format!("they come from primitive node {prim} inside a group node or subgraph")),
                Some(Resolved::Nothing) | None => widget_place(name, flat, &owner, &slots, schema.is_some()),
            };
            let value = unwrapped(value);
            let reason = match place {
                Ok((home, key)) => match planned.get(&(home, key.clone())) {
                    Some((first, first_who)) if first != &value => {
                        format!("they share an editor widget with {first_who}, which was sent another value (kept)")
                    }
                    Some(_) => continue,
                    None => {
                        planned.insert((home, key.clone()), (value.clone(), who(name)));
                        plan.push((home, key, value, who(name)));
                        continue;
                    }
                },
                Err(reason) => reason,
            };
            reported.insert((id.as_str(), name));
            match by_reason.get(&reason).and_then(|&i| failed.get_mut(i)) {
                Some((_, names)) => names.push(name),
                None => {
                    by_reason.insert(reason.clone(), failed.len());
                    failed.push((reason, vec![name]));
                }
            }
        }
        for (reason, names) in failed {
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            warnings.push(format!(
                "node {id} ({}), input(s) {}: {reason}; not written back",
                node.class_type,
                names.join(", ")
            ));
        }
    }
    let mut out = editor.clone();
    for (home, key, value, who) in plan {
        if !put(&mut out, home, &key, value) {
            warnings
                .push(format!("{who}: its place in the editor graph's widgets_values is missing; not written back"));
        }
    }
    read_back(&out, workflow, schemas, &reported, &mut warnings);
    (out, warnings)
}

/// Where a value read from the node's own widgets goes (`named`: the class has a schema).
fn widget_place(
    name: &str,
    flat: &FlatNode,
    owner: &Owner,
    slots: &HashMap<String, usize>,
    named: bool,
) -> Result<(Home, Key), String> {
    let index = match &flat.widgets {
        Value::Object(_) => None,
        Value::Array(_) => match slots.get(name) {
            Some(i) => Some(*i),
            None if named => return Err("no widget of the editor node holds them".into()),
            None => return Err(
                "the class has no schema and the node no widget sockets, so (as on import) its widgets cannot be named"
                    .into(),
            ),
        },
        _ => return Err("the editor node has no widgets_values list".into()),
    };
    match (owner, index) {
        (Owner::Unmapped(reason), _) => Err(reason.clone()),
        (Owner::Own(home), None) => Ok((*home, Key::Name(name.to_string()))),
        (Owner::Own(home), Some(i)) => Ok((*home, Key::Index(i))),
        (Owner::Stream(home, stream), Some(i)) => match stream.get(i) {
            Some(Some(at)) => Ok((*home, Key::Index(*at))),
            _ => Err("the group node keeps these widgets inside its definition".into()),
        },
        (Owner::Stream(..), None) => Err("a group node's inner node saves its widgets as an object".into()),
    }
}

/// What each input socket of `flat` resolves to, by the input name it fills, the way `emit`
/// applies them: in socket order, later sockets winning, unresolved ones leaving the widget.
fn socket_outcomes<'a>(flat: &'a FlatNode, graph: &Graph) -> HashMap<&'a str, Resolved> {
    let mut out = HashMap::new();
    for socket in &flat.inputs {
        let Some(src) = &socket.source else { continue };
        match graph.resolve(src, &socket.ty) {
            Resolved::Nothing => {}
            r => {
                out.insert(socket.widget.as_deref().unwrap_or(&socket.name), r);
            }
        }
    }
    out
}

/// Sets one widget value; false when the place does not exist (nothing is ever grown).
fn put(out: &mut Value, home: Home, key: &Key, value: Value) -> bool {
    let node = match home {
        Home::Top(i) => out.get_mut("nodes").and_then(|n| n.get_mut(i)),
        Home::Sub(k, j) => {
            out.get_mut("definitions").and_then(|d| d.get_mut("subgraphs")?.get_mut(k)?.get_mut("nodes")?.get_mut(j))
        }
    };
    match (node.and_then(|n| n.get_mut("widgets_values")), key) {
        (Some(Value::Array(values)), Key::Index(i)) => match values.get_mut(*i) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        },
        (Some(Value::Object(map)), Key::Name(name)) => {
            map.insert(name.clone(), value);
            true
        }
        _ => false,
    }
}

/// Converts the written graph again and reports every sent value it does not give back (a
/// primitive shared with an unedited widget, a write that shifted a neighbour's naming...).
fn read_back(
    out: &Value,
    workflow: &Workflow,
    schemas: &Schemas,
    reported: &HashSet<(&str, &str)>,
    warnings: &mut Vec<String>,
) {
    let again = match convert(out, schemas) {
        Ok(c) => c.workflow,
        Err(e) => {
            warnings.push(format!("the written editor graph could not be read back ({e})"));
            return;
        }
    };
    for (id, node) in &workflow.nodes {
        for (name, input) in &node.inputs {
            let Input::Value(want) = input else { continue };
            if reported.contains(&(id.as_str(), name.as_str())) || FRONTEND_ONLY.contains(&name.as_str()) {
                continue;
            }
            let got = again.nodes.get(id).and_then(|n| n.inputs.get(name)?.value());
            if !got.is_some_and(|g| same(g, want)) {
                let got = got.map_or_else(|| "nothing".to_string(), Value::to_string);
                warnings.push(format!(
                    "node {id} ({}), input `{name}`: the written editor graph gives {got}, not the {want} sent",
                    node.class_type
                ));
            }
        }
    }
}

/// True when the editor gives `have` for a sent `sent`: equal, equal numbers (`7` and `7.0`), or
/// a Tensor.Art file name the importer reads as the model id sent.
fn same(have: &Value, sent: &Value) -> bool {
    match (have, sent) {
        (Value::Number(a), Value::Number(b)) => a == b || ((a.is_f64() || b.is_f64()) && a.as_f64() == b.as_f64()),
        (Value::String(a), Value::String(b)) => a == b || crate::ems_model_id(a) == Some(b.as_str()),
        _ => have == sent,
    }
}

/// The widget form of an API value: lists travel wrapped as `{"__value__": [...]}`.
fn unwrapped(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 => map.get("__value__").unwrap_or(value).clone(),
        _ => value.clone(),
    }
}

/// Lookups over the raw editor JSON, built once.
struct Index<'a> {
    /// Top-level node id -> position in `nodes`, with its type.
    top: HashMap<String, (usize, &'a str)>,
    groups: Option<&'a Map<String, Value>>,
    /// Subgraph id -> position in `definitions.subgraphs` (the last of an id, as expansion reads).
    subgraphs: HashMap<&'a str, usize>,
    /// (subgraph position, inner node id) -> position in its `nodes`.
    inner: HashMap<(usize, String), usize>,
    /// Node type -> how many nodes of that type, top level and inside subgraph definitions.
    uses: HashMap<&'a str, usize>,
}

fn nodes_of(graph: &Value) -> &[Value] {
    graph.get("nodes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn kind_of(node: &Value) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or_default()
}

impl<'a> Index<'a> {
    fn new(editor: &'a Value) -> Index<'a> {
        let mut uses: HashMap<&str, usize> = HashMap::new();
        let mut top = HashMap::new();
        for (i, n) in nodes_of(editor).iter().enumerate() {
            *uses.entry(kind_of(n)).or_default() += 1;
            if let Some(id) = n.get("id").and_then(id_text) {
                top.entry(id).or_insert((i, kind_of(n)));
            }
        }
        let defs = editor.get("definitions").and_then(|d| d.get("subgraphs")).and_then(Value::as_array);
        let (mut subgraphs, mut inner) = (HashMap::new(), HashMap::new());
        for (k, def) in defs.map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            if let Some(id) = def.get("id").and_then(Value::as_str) {
                subgraphs.insert(id, k);
            }
            for (j, n) in nodes_of(def).iter().enumerate() {
                *uses.entry(kind_of(n)).or_default() += 1;
                if let Some(id) = n.get("id").and_then(id_text) {
                    inner.entry((k, id)).or_insert(j);
                }
            }
        }
        let groups = editor.get("extra").and_then(|e| e.get("groupNodes")).and_then(Value::as_object);
        Index { top, groups, subgraphs, inner, uses }
    }

    /// The top-level PrimitiveNode of this id.
    fn primitive(&self, id: &str) -> Option<usize> {
        self.top.get(id).filter(|(_, kind)| *kind == "PrimitiveNode").map(|(i, _)| *i)
    }

    fn owner<'f>(&self, id: &str, flat: &'f FlatNode) -> Owner<'f> {
        if let Some((i, kind)) = self.top.get(id) {
            if *kind == flat.kind {
                return Owner::Own(Home::Top(*i));
            }
        }
        let Some((outer, inner)) = id.split_once(':') else {
            return Owner::Unmapped("the node is not at the editor graph's top level".into());
        };
        let Some(&(i, kind)) = self.top.get(outer) else {
            return Owner::Unmapped(format!("its container {outer} is inside another group node or subgraph"));
        };
        if inner.contains(':') {
            return Owner::Unmapped(format!("it is nested more than one level deep in {outer}"));
        }
        let group = kind.strip_prefix("workflow>").or_else(|| kind.strip_prefix("workflow/"));
        if group.is_some_and(|g| self.groups.is_some_and(|groups| groups.contains_key(g))) {
            return if flat.stream.is_empty() {
                Owner::Unmapped(format!("group node {outer} does not hand this node its values"))
            } else {
                Owner::Stream(Home::Top(i), &flat.stream)
            };
        }
        let Some(&k) = self.subgraphs.get(kind) else {
            return Owner::Unmapped(format!("node {outer} is neither a group node nor a subgraph"));
        };
        let uses = self.uses.get(kind).copied().unwrap_or(0);
        if uses != 1 {
            return Owner::Unmapped(format!(
                "subgraph {outer} shares its definition with {} other instance(s), so a value cannot change for one alone",
                uses.saturating_sub(1)
            ));
        }
        match self.inner.get(&(k, inner.to_string())) {
            Some(&j) => Owner::Own(Home::Sub(k, j)),
            None => Owner::Unmapped(format!("subgraph {outer} has no node {inner}")),
        }
    }
}
