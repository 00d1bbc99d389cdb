//! Write-back on real editor files and PNGs by other people: a prompt text, a seed and a number
//! (steps, cfg) are edited in the imported API graph, written back, and the written editor graph
//! must import to the edited graph; only widget values may change, seed-control companions stay
//! put, and an unedited graph writes back to exactly the original.

use easel_workflow::{write_back, Input, Schemas, Workflow};
use serde_json::{json, Value};

use crate::corpus::corpus;

const CONTROL_WORDS: &[&str] = &["fixed", "increment", "decrement", "randomize", "increment-wrap"];

/// Edits every prompt text, seed, steps and cfg; returns the edit counts (texts, seeds, numbers).
fn edit(workflow: &Workflow) -> (Workflow, [usize; 3]) {
    let mut edited = workflow.clone();
    let mut counts = [0; 3];
    for node in edited.nodes.values_mut() {
        let is_prompt = node.class_type.starts_with("CLIPTextEncode");
        for (name, input) in node.inputs.iter_mut() {
            let Input::Value(v) = input else { continue };
            let new = match (name.as_str(), &*v) {
                ("text", Value::String(t)) if is_prompt => Some((0, json!(format!("{t}, edited in Easel")))),
                ("seed" | "noise_seed", Value::Number(n)) => n.as_u64().map(|n| (1, json!(n ^ 0x5a5a))),
                ("steps", Value::Number(n)) => n.as_u64().map(|n| (2, json!(n + 3))),
                ("cfg", Value::Number(n)) => n.as_f64().map(|n| (2, json!(n + 0.5))),
                _ => None,
            };
            if let Some((kind, value)) = new {
                *v = value;
                counts[kind] += 1;
            }
        }
    }
    (edited, counts)
}

/// JSON pointers of the leaves where `a` and `b` differ (a whole array or object when its shape differs).
fn diff(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() && x.keys().eq(y.keys()) => {
            for (k, v) in x {
                diff(v, &y[k], format!("{path}/{k}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, format!("{path}/{i}"), out);
            }
        }
        _ if a != b => out.push(path),
        _ => {}
    }
}

/// Checks what write-back changed: only widget values, never a seed-control companion. Returns
/// the changed pointers.
fn check_changes(name: &str, before: &Value, after: &Value) -> Vec<String> {
    let mut changed = Vec::new();
    diff(before, after, String::new(), &mut changed);
    for path in &changed {
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        assert!(parent.ends_with("/widgets_values"), "{name}: {path} changed, which is not a widget value");
        for (side, doc) in [("old", before), ("new", after)] {
            let v = doc.pointer(path);
            assert!(
                !v.and_then(Value::as_str).is_some_and(|s| CONTROL_WORDS.contains(&s)),
                "{name}: {path} ({side} {v:?}) is a seed-control value"
            );
        }
    }
    changed
}

/// Every literal input of `want` has the same value in `got` (numbers by value: `8` = `8.0`),
/// except the upload button older frontends sent as an input (it is no widget value).
fn assert_same_values(name: &str, want: &Workflow, got: &Workflow) {
    for (id, node) in &want.nodes {
        let Some(other) = got.nodes.get(id) else { panic!("{name}: node {id} missing after write-back") };
        assert_eq!(node.class_type, other.class_type, "{name}: node {id}");
        for (input, value) in
            node.inputs.iter().filter(|(k, _)| !["upload", "choose file to upload"].contains(&k.as_str()))
        {
            let (Input::Value(a), Some(b)) = (value, other.inputs.get(input).and_then(Input::value)) else {
                assert!(matches!(value, Input::Link(_)), "{name}: {id}.{input} lost");
                continue;
            };
            let same = match (a, b) {
                (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                _ => a == b,
            };
            assert!(same, "{name}: {id}.{input}: sent {a}, written graph gives {b}");
        }
    }
}

/// Edits, writes back and re-imports one corpus file; returns the changed pointers.
fn round_trip(path: &str, exact: bool) -> (Value, Vec<String>) {
    let schemas = Schemas::bundled();
    let bytes = std::fs::read(corpus().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let imported = schemas.import_bytes(&bytes).unwrap();
    let editor = imported.editor.clone().unwrap_or_else(|| panic!("{path}: no editor graph"));

    let (same, warnings) = write_back(&editor, &imported.workflow, schemas);
    assert!(warnings.is_empty(), "{path}: unedited write-back warned: {warnings:?}");
    assert_eq!(same, editor, "{path}: unedited write-back changed the editor graph");

    let (edited, counts) = edit(&imported.workflow);
    assert!(counts.iter().all(|&n| n > 0), "{path}: edits (texts, seeds, numbers) = {counts:?}");
    let (written, warnings) = write_back(&editor, &edited, schemas);
    assert!(warnings.is_empty(), "{path}: {warnings:?}");
    let changed = check_changes(path, &editor, &written);
    assert!(changed.len() >= 3, "{path}: only {changed:?} changed");
    let again = schemas.import_value(written.clone()).unwrap();
    if exact {
        assert_eq!(again.workflow, edited, "{path}: re-imported graph differs from the edited one");
    } else {
        assert_same_values(path, &edited, &again.workflow);
    }
    (written, changed)
}

/// The `type` of the node a changed pointer (`/nodes/<i>/widgets_values/<j>`) belongs to.
fn node_type<'a>(doc: &'a Value, path: &str) -> &'a str {
    let node = path.split("/widgets_values").next().unwrap_or_default();
    doc.pointer(node).and_then(|n| n.get("type")).and_then(Value::as_str).unwrap_or_default()
}

#[test]
fn edited_values_reach_editor_files() {
    for file in [
        "cog_sd15_ui_file_in_api_folder.json",
        "vid2vid_img2img_example_ui.json",
        "examples_svd_txt2img2vid_groups.json",
        "examples_wan22_i2v_14b_two_ksampleradvanced.json",
        "impact_detailer_pipe_test_52_nodes.json",
        "user_wan21_2pass_116_nodes_workflow_only_png.json",
        "ipadapter_weights_primitivenode.json",
    ] {
        round_trip(&format!("workflows/ui/{file}"), true);
    }
}

#[test]
fn seed_edits_keep_their_control_companion() {
    let path = "workflows/ui/vid2vid_img2img_example_ui.json";
    let (written, changed) = round_trip(path, true);
    let seed = changed.iter().find(|p| node_type(&written, p) == "KSampler" && p.ends_with("/widgets_values/0"));
    let seed = seed.unwrap_or_else(|| panic!("no KSampler seed among {changed:?}"));
    let control = seed.replace("/widgets_values/0", "/widgets_values/1");
    let control = written.pointer(&control).and_then(Value::as_str);
    assert!(control.is_some_and(|c| CONTROL_WORDS.contains(&c)), "control companion is {control:?}");
}

#[test]
fn values_fed_by_primitives_are_written_into_the_primitive() {
    let (written, changed) = round_trip("workflows/ui/examples_sdxl_simple_primitives_notes_png.json", true);
    let into_primitives: Vec<_> = changed.iter().filter(|p| node_type(&written, p) == "PrimitiveNode").collect();
    assert!(!into_primitives.is_empty(), "no primitive changed: {changed:?}");
    assert!(into_primitives.iter().all(|p| p.ends_with("/widgets_values/0")), "{into_primitives:?}");
}

#[test]
fn group_node_inner_values_go_to_the_instance() {
    for file in ["examples_groupnode_gt_separator_png.json", "examples_groupnode_slash_separator_png.json"] {
        let (written, changed) = round_trip(&format!("workflows/ui/{file}"), true);
        assert!(
            changed.iter().any(|p| node_type(&written, p).starts_with("workflow")),
            "{file}: no group-node instance changed: {changed:?}"
        );
    }
}

#[test]
fn pngs_with_a_workflow_chunk_write_back() {
    // Workflow-only PNG: the editor graph is the source, so the round trip is exact.
    round_trip("png/user_wan21_workflow_only.png", true);
    // PNGs with `prompt` too: the graph sent is the prompt; titles and number spellings differ
    // from the editor's conversion, so values are compared.
    for file in ["comfy_sdxl_primitives_notes.png", "comfy_groupnode_colon_ids.png", "comfy_hiresfix_latent.png"] {
        round_trip(&format!("png/{file}"), false);
    }
}
