//! Any bytes as a ComfyUI editor document with subgraphs and group nodes: read as (lenient)
//! JSON, and when that is not already an editor graph, the value is wrapped into one (an array
//! becomes the top-level `nodes`, an object becomes one subgraph definition instanced once), so
//! most inputs reach subgraph expansion rather than stopping at format detection. Then the real
//! import path (`Schemas::import_value`: expansion, resolution, conversion, caps) and, on
//! success, `write_back` of the converted values and `editor_to_workflow` again. Nothing may
//! panic, and a document that imported must still convert after its values are written back.
//! Byte-level JSON mutation is all it does: it leaves structure-aware generation out.
#![no_main]

use easel_workflow::{editor_to_workflow, is_editor_graph, write_back, Schemas};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

/// The wrapped document for a value that is not an editor graph itself.
fn as_editor(value: Value) -> Value {
    if is_editor_graph(&value) {
        return value;
    }
    match value {
        Value::Array(nodes) => json!({"version": 0.4, "links": [], "nodes": nodes}),
        Value::Object(mut definition) => {
            definition.entry("id").or_insert(json!("fuzz-sub"));
            let id = definition.get("id").cloned().unwrap_or(Value::Null);
            json!({
                "version": 0.4, "links": [],
                "nodes": [{"id": 1, "type": id, "mode": 0}],
                "definitions": {"subgraphs": [Value::Object(definition)]}
            })
        }
        other => json!({"version": 0.4, "links": [], "nodes": [other]}),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(value) = easel_workflow::parse_json_lenient(text) else { return };
    let editor = as_editor(value);
    let schemas = Schemas::bundled();
    let Ok(imported) = schemas.import_value(editor.clone()) else { return };
    let (written, _warnings) = write_back(&editor, &imported.workflow, schemas);
    // Writing the graph's own values back changes no structure, so the result still converts.
    if let Err(e) = editor_to_workflow(&written, schemas) {
        panic!("an imported editor graph no longer converts after write-back: {e}");
    }
});
