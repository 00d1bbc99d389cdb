//! Write-back on broken and adversarial editor graphs: missing or mistyped `widgets_values`,
//! huge ids and slots, cycles, shared subgraphs, API graphs that do not fit the editor graph,
//! and randomly damaged corpus files. Every case must end in warnings, never a panic, and leave
//! untouched what it could not place.

use easel_workflow::{write_back, Input, Link, Node, Schemas, Workflow};
use indexmap::IndexMap;
use serde_json::{json, Value};

use crate::corpus::corpus;

fn node(class: &str, inputs: &[(&str, Input)]) -> Node {
    let inputs: IndexMap<String, Input> = inputs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    Node { class_type: class.into(), inputs, title: None, extra: Default::default() }
}

fn value(v: Value) -> Input {
    Input::Value(v)
}

fn graph(nodes: &[(&str, Node)]) -> Workflow {
    Workflow { nodes: nodes.iter().map(|(id, n)| (id.to_string(), n.clone())).collect() }
}

fn sampler_inputs() -> Vec<(&'static str, Input)> {
    vec![
        ("seed", value(json!(7))),
        ("steps", value(json!(30))),
        ("cfg", value(json!(5.5))),
        ("text", value(json!([1]))),
    ]
}

#[test]
fn unreadable_editor_graphs_are_returned_unchanged() {
    let api = graph(&[("3", node("KSampler", &sampler_inputs()))]);
    for editor in [json!(42), json!({"nodes": "x"}), json!({"nodes": [{"id": 3}]}), json!({"nodes": [{"type": "K"}]})] {
        let (out, warnings) = write_back(&editor, &api, Schemas::bundled());
        assert_eq!(out, editor);
        assert!(warnings.iter().any(|w| w.contains("could not be read")), "{warnings:?}");
    }
}

#[test]
fn broken_widgets_and_links_give_warnings() {
    let editor = json!({
        "version": 0.4,
        "nodes": [
            {"id": 1, "type": "KSampler", "mode": 0},
            {"id": 2, "type": "KSampler", "mode": 0, "widgets_values": "seed=7"},
            {"id": 3, "type": "KSampler", "mode": 0, "widgets_values": [1]},
            {"id": 4, "type": "KSampler", "mode": 0, "inputs": [
                {"name": "seed", "type": "INT", "link": 1e300, "widget": {"name": 7}},
                {"name": "steps", "type": "INT", "link": 5, "widget": {"name": "steps"}},
                {"name": "cfg", "type": "FLOAT", "link": 6, "widget": {"name": "cfg"}}],
             "widgets_values": [1, "fixed", 20, 8, "euler", "normal", 1]},
            {"id": 1e300, "type": "PrimitiveNode", "mode": 0, "widgets_values": []},
            {"id": 6, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "type": "*", "link": 7}]},
            {"id": 7, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "type": "*", "link": 8}]},
            {"id": 8, "type": "PrimitiveNode", "mode": 0, "widgets_values": {"0": 9}},
            {"id": 9, "type": "MyNode", "mode": 0, "widgets_values": [true, null, {"deep": [1, 2]}]},
            {"id": 5, "type": "KSampler", "mode": 0, "inputs": [
                {"name": "cfg", "type": "FLOAT", "link": 9, "widget": {"name": "cfg"}},
                {"name": "steps", "type": "INT", "link": 10, "widget": {"name": "steps"}}],
             "widgets_values": [1, "fixed", 20, 8, "euler", "normal", 1]}
        ],
        "links": [[5, 1e300, 0, 4, 1, "INT"], [6, 7, 4_294_967_296_u64, 4, 2, "FLOAT"], [7, 6, 0, 7, 0, "*"],
                  [8, 7, 0, 6, 0, "*"], [99, "x", -1, 4, 0, "INT"], "junk", {"id": null},
                  [9, 6, 0, 5, 0, "FLOAT"], [10, 8, 0, 5, 1, "INT"]]
    });
    let schemas = Schemas::bundled();
    let mut api = graph(&[
        ("1", node("KSampler", &sampler_inputs())),
        ("2", node("KSampler", &sampler_inputs())),
        ("3", node("KSampler", &sampler_inputs())),
        ("4", node("KSampler", &sampler_inputs())),
        ("5", node("KSampler", &sampler_inputs())),
        ("9", node("MyNode", &[("anything", value(json!(1)))])),
        ("10", node("SaveImage", &[("filename_prefix", value(json!("x")))])),
    ]);
    api.nodes.insert("12:3".into(), node("KSampler", &sampler_inputs()));
    api.nodes["4"].inputs.insert("model".into(), Input::Link(Link { node: "1".into(), output: u32::MAX }));
    let (out, warnings) = write_back(&editor, &api, schemas);
    for id in ["1", "2", "3", "4", "5", "9", "10", "12:3"] {
        assert!(warnings.iter().any(|w| w.starts_with(&format!("node {id} "))), "no warning for {id}: {warnings:#?}");
    }
    let cycle = warnings.iter().find(|w| w.starts_with("node 5 ") && w.contains("`cfg`"));
    assert!(cycle.is_some_and(|w| w.contains("muted or missing")), "{warnings:#?}");
    // Node 3 has one place (the seed). Node 4's links lead nowhere the importer follows (an id
    // that is no node, a slot past u32, an empty primitive), so, as on import, its widgets hold
    // the values. Node 5's steps come from a primitive whose `widgets_values` is an object.
    let mut expected = editor.clone();
    expected["nodes"][2]["widgets_values"] = json!([7]);
    expected["nodes"][3]["widgets_values"] = json!([7, "fixed", 30, 5.5, "euler", "normal", 1]);
    expected["nodes"][9]["widgets_values"] = json!([7, "fixed", 30, 8, "euler", "normal", 1]);
    assert_eq!(out, expected, "only the placeable values change");
}

#[test]
fn object_widgets_are_written_by_key() {
    let editor = json!({"version": 0.4, "links": [], "nodes": [
        {"id": 5, "type": "Custom", "mode": 0, "widgets_values": {"strength": 1, "label": "a"}}]});
    let api = graph(&[("5", node("Custom", &[("strength", value(json!(0.5))), ("label", value(json!("b")))]))]);
    let (out, warnings) = write_back(&editor, &api, Schemas::bundled());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(out["nodes"][0]["widgets_values"], json!({"strength": 0.5, "label": "b"}));
}

fn subgraph_editor(instances: usize) -> Value {
    let mut nodes = vec![json!({"id": 1, "type": "CheckpointLoaderSimple", "mode": 0,
        "outputs": [{"type": "MODEL"}, {"type": "CLIP"}, {"type": "VAE"}], "widgets_values": ["m"]})];
    for i in 0..instances {
        nodes.push(
            json!({"id": 2 + i, "type": "sub", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 1}]}),
        );
    }
    json!({"version": 0.4, "nodes": nodes, "links": [[1, 1, 1, 2, 0, "CLIP"]],
        "definitions": {"subgraphs": [{"id": "sub", "links": [
            {"id": 10, "origin_id": -10, "origin_slot": 0, "target_id": 7, "target_slot": 0, "type": "CLIP"}],
            "nodes": [{"id": 7, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 10}],
                       "widgets_values": ["a cat"]}]}]}})
}

#[test]
fn subgraph_values_reach_a_definition_used_once_only() {
    let schemas = Schemas::bundled();
    let once = subgraph_editor(1);
    let mut api = schemas.import_value(once.clone()).unwrap().workflow;
    api.set_value("2:7", "text", json!("a dog")).unwrap();
    let (out, warnings) = write_back(&once, &api, schemas);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(out["definitions"]["subgraphs"][0]["nodes"][0]["widgets_values"], json!(["a dog"]));

    let twice = subgraph_editor(2);
    let mut api = schemas.import_value(twice.clone()).unwrap().workflow;
    api.set_value("2:7", "text", json!("a dog")).unwrap();
    let (out, warnings) = write_back(&twice, &api, schemas);
    assert_eq!(out, twice);
    assert!(warnings.iter().any(|w| w.contains("shares its definition")), "{warnings:?}");
}

#[test]
fn one_primitive_feeding_two_widgets_reports_the_one_it_cannot_satisfy() {
    let editor = json!({"version": 0.4, "nodes": [
        {"id": 1, "type": "PrimitiveNode", "mode": 0, "outputs": [{"type": "INT", "widget": {"name": "width"}}], "widgets_values": [512, "fixed"]},
        {"id": 2, "type": "EmptyLatentImage", "mode": 0, "inputs": [{"name": "width", "type": "INT", "link": 1, "widget": {"name": "width"}}], "widgets_values": [512, 512, 1]},
        {"id": 3, "type": "EmptyLatentImage", "mode": 0, "inputs": [{"name": "width", "type": "INT", "link": 2, "widget": {"name": "width"}}], "widgets_values": [512, 512, 1]}],
        "links": [[1, 1, 0, 2, 0, "INT"], [2, 1, 0, 3, 0, "INT"]]});
    let schemas = Schemas::bundled();
    let mut api = schemas.import_value(editor.clone()).unwrap().workflow;
    api.set_value("2", "width", json!(768)).unwrap();
    let (out, warnings) = write_back(&editor, &api, schemas);
    assert_eq!(out["nodes"][0]["widgets_values"], json!([768, "fixed"]));
    assert!(warnings.iter().any(|w| w.starts_with("node 3 ") && w.contains("768")), "{warnings:?}");
}

/// Replaces some values of a corpus editor graph with junk; write-back must only warn.
#[test]
fn damaged_corpus_graphs_never_panic() {
    fn damage(v: &mut Value, seed: &mut u64) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let junk = [json!(null), json!(-1), json!(1e300), json!("x"), json!([]), json!({}), json!(u64::MAX)];
        if seed.is_multiple_of(23) {
            *v = junk[(*seed >> 8) as usize % junk.len()].clone();
            return;
        }
        match v {
            Value::Array(a) => a.iter_mut().for_each(|x| damage(x, seed)),
            Value::Object(o) => o.values_mut().for_each(|x| damage(x, seed)),
            _ => {}
        }
    }
    let schemas = Schemas::bundled();
    for file in ["examples_sdxl_simple_primitives_notes_png.json", "examples_groupnode_gt_separator_png.json"] {
        let bytes = std::fs::read(corpus().join("workflows/ui").join(file)).unwrap();
        let imported = schemas.import_bytes(&bytes).unwrap();
        let editor = imported.editor.unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..60 {
            let mut broken = editor.clone();
            damage(&mut broken, &mut seed);
            let (_out, _warnings) = write_back(&broken, &imported.workflow, schemas);
        }
    }
}
