//! Import by content, never by file name: PNG bytes (by signature), else JSON text in any
//! dialect (TAMS params or request body, ComfyUI API bare or wrapped as `{"prompt": ...}`,
//! `{"input": {"workflow": ...}}` or SwarmUI's `{workflow, prompt}`, ComfyUI editor files), else
//! A1111 `parameters` text. TAMS stages and template jobs are recognised and refused with a
//! reason, since they carry no node graph. Tensor.Art website names are normalised last.

use serde_json::{Map, Value};

use crate::editor::{editor_to_workflow, is_editor_graph};
use crate::format::{parse_node, parse_nodes};
use crate::{Format, Imported, Schemas, Workflow, WorkflowError};

/// How deep wrappers may nest before the file is refused.
const MAX_WRAPPING: usize = 4;

impl Schemas {
    /// Imports a file's bytes: a PNG with metadata, JSON in any dialect, or A1111 text.
    pub fn import_bytes(&self, bytes: &[u8]) -> Result<Imported, WorkflowError> {
        if bytes.starts_with(b"\x89PNG") {
            return crate::png_import::import_png(bytes, self);
        }
        if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            return Err(WorkflowError::UnknownFormat("a JPEG image; only PNG metadata is read".into()));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            WorkflowError::UnknownFormat(format!(
                "neither a PNG nor UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if !trimmed.starts_with(['{', '[']) {
            if let Some((params, warnings)) = crate::a1111::parse_a1111(trimmed) {
                let mut imported = Imported::new(params.to_workflow(), Format::A1111);
                imported.warnings = warnings;
                return Ok(imported);
            }
        }
        self.import_json_str(text)
    }

    /// Imports JSON text in any supported dialect.
    pub fn import_json_str(&self, text: &str) -> Result<Imported, WorkflowError> {
        let value = crate::lenient::parse(text)?;
        self.import_value(value)
    }

    /// Imports a parsed JSON value in any supported dialect.
    pub fn import_value(&self, value: Value) -> Result<Imported, WorkflowError> {
        let mut imported = self.detect(value, 0)?;
        crate::tensorart::normalise(&mut imported);
        Ok(imported)
    }

    fn detect(&self, value: Value, depth: usize) -> Result<Imported, WorkflowError> {
        if depth > MAX_WRAPPING {
            return Err(WorkflowError::UnknownFormat("wrappers nested too deeply".into()));
        }
        if is_editor_graph(&value) {
            let (workflow, warnings) = editor_to_workflow(&value, self)?;
            return Ok(Imported { workflow, format: Format::ComfyUi, warnings, editor: Some(value) });
        }
        let Value::Object(mut top) = value else {
            return Err(WorkflowError::UnknownFormat("expected a JSON object at the top level".into()));
        };
        if let Some(params) = top.remove("params") {
            let Value::Object(params) = params else {
                return Err(WorkflowError::UnknownFormat("`params` must be an object of nodes".into()));
            };
            return Ok(Imported::new(parse_nodes(params)?, Format::TamsRequest));
        }
        if top.get("stages").is_some_and(Value::is_array) {
            return Err(WorkflowError::UnknownFormat(
                "a TAMS stages job (POST /v1/jobs): it has generation stages, not a node graph".into(),
            ));
        }
        if let Some(id) = top.get("templateId").or_else(|| top.get("template_id")) {
            return Err(WorkflowError::UnknownFormat(format!(
                "a TAMS template job (templateId {id}): the graph lives on the server; only field values are here"
            )));
        }
        if top.get("prompt").is_some_and(Value::is_object) {
            let prompt = top.remove("prompt").unwrap_or_default();
            let mut imported = self.detect(prompt, depth + 1)?;
            imported.format = if imported.format == Format::ComfyUi { Format::ComfyUi } else { Format::ComfyApi };
            if let Some(editor) = top.remove("workflow").filter(is_editor_graph) {
                imported.editor = Some(editor);
            }
            return Ok(imported);
        }
        if top.get("input").and_then(|i| i.get("workflow")).is_some_and(Value::is_object) {
            let inner = top.remove("input").and_then(|mut i| i.get_mut("workflow").map(Value::take));
            return self.detect(inner.unwrap_or_default(), depth + 1);
        }
        if top.get("workflow").is_some_and(Value::is_object) {
            let inner = top.remove("workflow").unwrap_or_default();
            return self.detect(inner, depth + 1);
        }
        node_map(top)
    }
}

/// A bare node map. Keys that are not node ids and hold no node (app settings mixed into the
/// map) are skipped with a warning; a node-like key without a class is an error.
fn node_map(top: Map<String, Value>) -> Result<Imported, WorkflowError> {
    let tams = top.values().any(|v| v.get("classType").is_some());
    let mut warnings = Vec::new();
    let mut nodes = Map::new();
    for (id, value) in top {
        let is_node = value.get("class_type").is_some() || value.get("classType").is_some();
        let id_like = id.chars().next().is_some_and(|c| c.is_ascii_digit());
        if is_node || id_like || value.get("inputs").is_some() {
            nodes.insert(id, value);
        } else {
            warnings.push(format!("top-level key `{id}` is not a node; ignored"));
        }
    }
    if nodes.is_empty() {
        return Err(WorkflowError::UnknownFormat(
            "no nodes found: expected a ComfyUI API graph ({\"3\": {\"class_type\": ...}}), an editor file (nodes + links) or a TAMS request ({\"params\": ...})".into(),
        ));
    }
    let workflow: Workflow = parse_nodes(nodes)?;
    let mut imported = Imported::new(workflow, if tams { Format::TamsParams } else { Format::ComfyApi });
    imported.warnings = warnings;
    Ok(imported)
}

/// One node from JSON, for callers that build graphs piecemeal.
pub fn node_from_json(id: &str, value: Value) -> Result<crate::Node, WorkflowError> {
    parse_node(id, value)
}
