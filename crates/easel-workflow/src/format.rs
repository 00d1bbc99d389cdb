//! The JSON dialects of the node map itself: reading TAMS `params` (key `classType`) and ComfyUI
//! API graphs (key `class_type`), and writing both back. Which dialect a file is in, wrappers,
//! the editor format and PNGs are worked out in `import`; this module only reads node maps.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::{Input, Node, Workflow, WorkflowError};

/// The dialect a workflow was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Format {
    /// A TAMS `params` map (`classType`).
    TamsParams,
    /// A whole TAMS `POST /v1/jobs/workflow` body.
    TamsRequest,
    /// A ComfyUI API graph (`class_type`), bare or wrapped.
    ComfyApi,
    /// A ComfyUI editor file (nodes, links, widgets_values), converted to an API graph.
    ComfyUi,
    /// A PNG whose `prompt` chunk holds the API graph.
    PngPrompt,
    /// A PNG with only an editor `workflow` chunk, converted.
    PngWorkflow,
    /// A1111-style `parameters` text, rebuilt as a text-to-image graph.
    A1111,
    /// Fooocus JSON `parameters`, rebuilt as a text-to-image graph.
    Fooocus,
}

/// A workflow, where it came from, and what the import had to guess or leave out.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The graph.
    pub workflow: Workflow,
    /// The dialect detected.
    pub format: Format,
    /// Things converted with a guess or dropped, in plain words (empty for clean imports).
    pub warnings: Vec<String>,
    /// The editor graph, when the source had one (editor files, PNG `workflow` chunks).
    pub editor: Option<Value>,
}

impl Imported {
    pub(crate) fn new(workflow: Workflow, format: Format) -> Imported {
        Imported { workflow, format, warnings: Vec::new(), editor: None }
    }
}

impl Workflow {
    /// Reads a workflow from JSON text in any supported dialect (bundled node schemas).
    pub fn from_json_str(text: &str) -> Result<Imported, WorkflowError> {
        crate::Schemas::bundled().import_json_str(text)
    }

    /// Reads a workflow from a parsed JSON value in any supported dialect (bundled node schemas).
    pub fn from_json(value: Value) -> Result<Imported, WorkflowError> {
        crate::Schemas::bundled().import_value(value)
    }

    /// The TAMS `params` map: `{id: {classType, inputs, ...}}`.
    pub fn to_tams_params(&self) -> Value {
        self.to_dialect("classType", false)
    }

    /// A ComfyUI API graph: `{id: {class_type, inputs, _meta}}`.
    pub fn to_comfy_api(&self) -> Value {
        self.to_dialect("class_type", true)
    }

    fn to_dialect(&self, class_key: &str, with_meta: bool) -> Value {
        let mut out = Map::new();
        for (id, node) in &self.nodes {
            let mut obj = Map::new();
            obj.insert(class_key.to_string(), Value::String(node.class_type.clone()));
            let inputs: Map<String, Value> = node.inputs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
            obj.insert("inputs".into(), Value::Object(inputs));
            for (k, v) in &node.extra {
                if k != "_meta" {
                    obj.insert(k.clone(), v.clone());
                }
            }
            if with_meta {
                let mut meta = match node.extra.get("_meta") {
                    Some(Value::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                if let Some(title) = &node.title {
                    meta.insert("title".into(), Value::String(title.clone()));
                }
                if !meta.is_empty() {
                    obj.insert("_meta".into(), Value::Object(meta));
                }
            }
            out.insert(id.clone(), Value::Object(obj));
        }
        Value::Object(out)
    }
}

impl Workflow {
    /// A graph Easel stored itself (a params map `{id: {classType, inputs}}`), read without
    /// dialect sniffing: a node id such as `prompt` or `workflow` stays a node id.
    pub fn from_stored_params(value: Value) -> Result<Workflow, WorkflowError> {
        match value {
            Value::Object(map) => parse_nodes(map),
            _ => Err(WorkflowError::UnknownFormat("a stored graph must be a JSON object of nodes".into())),
        }
    }
}

pub(crate) fn parse_nodes(map: Map<String, Value>) -> Result<Workflow, WorkflowError> {
    if map.is_empty() {
        return Err(WorkflowError::UnknownFormat("the graph has no nodes".into()));
    }
    // Counted before any node is parsed, so an oversized map costs no more than its JSON did.
    WorkflowError::check_node_count(map.len())?;
    let mut nodes = IndexMap::with_capacity(map.len());
    for (id, value) in map {
        let node = parse_node(&id, value)?;
        nodes.insert(id, node);
    }
    let workflow = Workflow { nodes };
    workflow.check_links()?;
    Ok(workflow)
}

pub(crate) fn parse_node(id: &str, value: Value) -> Result<Node, WorkflowError> {
    let Value::Object(mut obj) = value else {
        return Err(WorkflowError::UnknownFormat(format!(
            "node {id} is not an object (expected {{\"classType\": ..., \"inputs\": {{...}}}})"
        )));
    };
    // `shift_remove`, not `remove`: with `preserve_order` the latter swaps the last key into the
    // hole, so the keys Easel keeps untouched (`extra`) would come out in another order than they
    // came in, and a stored graph read back would not match what was sent (found by the
    // journal_row fuzz target).
    let class_type = match obj.shift_remove("classType").or_else(|| obj.shift_remove("class_type")) {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(_) => return Err(WorkflowError::node(id, "?", None, "classType must be a non-empty string")),
        None => {
            return Err(WorkflowError::UnknownFormat(format!(
                "node {id} has no classType or class_type; is this a workflow file?"
            )))
        }
    };
    let inputs = match obj.shift_remove("inputs") {
        Some(Value::Object(m)) => m.into_iter().map(|(k, v)| (k, Input::from_json(v))).collect(),
        None => IndexMap::new(),
        Some(_) => return Err(WorkflowError::node(id, &class_type, None, "inputs must be an object")),
    };
    let title = obj.get("_meta").and_then(|m| m.get("title")).and_then(Value::as_str).map(str::to_string);
    if let Some(Value::Object(meta)) = obj.get_mut("_meta") {
        meta.shift_remove("title");
        if meta.is_empty() {
            obj.shift_remove("_meta");
        }
    }
    Ok(Node { class_type, inputs, title, extra: obj })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_kept_beside_class_and_inputs_keep_their_order_through_a_stored_round_trip() {
        // From the journal_row fuzz target: `classType` first, then two keys Easel keeps.
        let stored = r#"{"1":{"classType":"A","inputs":{},"zeta":"B","alpha":{"x":["1",0]}}}"#;
        let once = Workflow::from_stored_params(serde_json::from_str(stored).unwrap()).unwrap().to_tams_params();
        assert_eq!(once.to_string(), stored);
        let keys: Vec<_> = once["1"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["classType", "inputs", "zeta", "alpha"]);
        let api = r#"{"1":{"zeta":1,"class_type":"A","alpha":2,"_meta":{"title":"t"},"omega":3}}"#;
        let node = &Workflow::from_json_str(api).unwrap().workflow.nodes["1"];
        let extras: Vec<_> = node.extra.keys().cloned().collect();
        assert_eq!(extras, ["zeta", "alpha", "omega"]);
    }

    #[test]
    fn detects_tams_request_and_keeps_order() {
        let text = r#"{"requestId":"1","params":{"9":{"classType":"SaveImage","inputs":{"images":["4",0],"filename_prefix":"x"}},"4":{"classType":"CheckpointLoaderSimple","inputs":{"ckpt_name":"1"}}}}"#;
        let imported = Workflow::from_json_str(text).unwrap();
        assert_eq!(imported.format, Format::TamsRequest);
        let ids: Vec<_> = imported.workflow.nodes.keys().cloned().collect();
        assert_eq!(ids, ["9", "4"]);
        let save = &imported.workflow.nodes["9"];
        let names: Vec<_> = save.inputs.keys().cloned().collect();
        assert_eq!(names, ["images", "filename_prefix"]);
        assert_eq!(save.link("images").unwrap().node, "4");
    }

    #[test]
    fn api_round_trip_keeps_titles_and_unknown_fields() {
        let text = r#"{"37:0":{"class_type":"KSampler","inputs":{"seed":5},"_meta":{"title":"Sampler","x":1},"is_changed":["a"]}}"#;
        let imported = Workflow::from_json_str(text).unwrap();
        assert_eq!(imported.format, Format::ComfyApi);
        assert_eq!(imported.workflow.nodes["37:0"].title.as_deref(), Some("Sampler"));
        let back = imported.workflow.to_comfy_api();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(back["37:0"]["_meta"], original["37:0"]["_meta"]);
        assert_eq!(back["37:0"]["is_changed"], original["37:0"]["is_changed"]);
    }

    #[test]
    fn dangling_link_is_located() {
        let text = r#"{"1":{"classType":"VAEDecode","inputs":{"samples":["7",0]}}}"#;
        let err = Workflow::from_json_str(text).unwrap_err();
        assert_eq!(err.to_string(), "node 1 (VAEDecode), input `samples`: links to node 7, which does not exist");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = Workflow::from_json_str("{\n  \"1\": oops }").unwrap_err();
        assert!(matches!(err, WorkflowError::Json { line: 2, .. }), "{err:?}");
    }
}
