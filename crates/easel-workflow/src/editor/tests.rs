//! Conversion rules on small hand-written editor graphs.

use serde_json::json;

use super::editor_to_workflow;
use crate::{Input, Schemas};

fn convert(graph: serde_json::Value) -> crate::Workflow {
    editor_to_workflow(&graph, Schemas::bundled()).unwrap().0
}

fn link(node: &str, output: u32) -> Input {
    Input::Link(crate::Link { node: node.into(), output })
}

#[test]
fn bypass_mute_reroute_primitive_and_notes() {
    let graph = json!({
        "version": 0.4,
        "nodes": [
            {"id": 4, "type": "CheckpointLoaderSimple", "mode": 0, "outputs": [{"type": "MODEL"}, {"type": "CLIP"}, {"type": "VAE"}], "widgets_values": ["123"]},
            {"id": 10, "type": "LoraLoader", "mode": 4, "inputs": [{"name": "model", "type": "MODEL", "link": 1}, {"name": "clip", "type": "CLIP", "link": 2}],
             "outputs": [{"type": "MODEL"}, {"type": "CLIP"}], "widgets_values": ["9", 1, 1]},
            {"id": 11, "type": "Reroute", "mode": 0, "inputs": [{"name": "", "type": "*", "link": 3}], "outputs": [{"type": "MODEL"}]},
            {"id": 3, "type": "KSampler", "mode": 0, "inputs": [
                {"name": "model", "type": "MODEL", "link": 4},
                {"name": "positive", "type": "CONDITIONING", "link": 5},
                {"name": "steps", "type": "INT", "link": 6, "widget": {"name": "steps"}}],
             "widgets_values": [42, "randomize", 20, 7.5, "euler", "normal", 1]},
            {"id": 7, "type": "CLIPTextEncode", "mode": 2, "inputs": [{"name": "clip", "type": "CLIP", "link": 7}], "outputs": [{"type": "CONDITIONING"}], "widgets_values": ["muted"]},
            {"id": 8, "type": "PrimitiveNode", "mode": 0, "outputs": [{"type": "INT", "widget": {"name": "steps"}}], "widgets_values": [33, "fixed"]},
            {"id": 9, "type": "Note", "mode": 0, "widgets_values": ["hello"]}
        ],
        "links": [[1, 4, 0, 10, 0, "MODEL"], [2, 4, 1, 10, 1, "CLIP"], [3, 10, 0, 11, 0, "MODEL"], [4, 11, 0, 3, 0, "MODEL"],
                  [5, 7, 0, 3, 1, "CONDITIONING"], [6, 8, 0, 3, 2, "INT"], [7, 4, 1, 7, 0, "CLIP"]]
    });
    let w = convert(graph);
    let ids: Vec<_> = w.nodes.keys().cloned().collect();
    assert_eq!(ids, ["4", "3"]);
    let ks = &w.nodes["3"];
    assert_eq!(ks.inputs["model"], link("4", 0), "bypassed LoRA and reroute are wired around");
    assert!(!ks.inputs.contains_key("positive"), "input from a muted node is deleted");
    assert_eq!(ks.inputs["steps"].value(), Some(&json!(33)), "primitive value wins");
    assert_eq!(ks.inputs["seed"].value(), Some(&json!(42)));
    assert_eq!(ks.inputs["cfg"].value(), Some(&json!(7.5)), "control value skipped");
    assert_eq!(w.nodes["4"].inputs["ckpt_name"].value(), Some(&json!("123")));
}

#[test]
fn subgraph_instances_expand_to_prefixed_ids() {
    let graph = json!({
        "version": 0.4,
        "nodes": [
            {"id": 1, "type": "CheckpointLoaderSimple", "mode": 0, "outputs": [{"type": "MODEL"}, {"type": "CLIP"}, {"type": "VAE"}], "widgets_values": ["5"]},
            {"id": 2, "type": "sub-uuid", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 1}], "outputs": [{"type": "CONDITIONING"}]},
            {"id": 3, "type": "ConditioningCombine", "mode": 0, "inputs": [
                {"name": "conditioning_1", "type": "CONDITIONING", "link": 2}, {"name": "conditioning_2", "type": "CONDITIONING", "link": 2}]}
        ],
        "links": [[1, 1, 1, 2, 0, "CLIP"], [2, 2, 0, 3, 0, "CONDITIONING"]],
        "definitions": {"subgraphs": [{
            "id": "sub-uuid",
            "nodes": [{"id": 7, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 10}], "outputs": [{"type": "CONDITIONING"}], "widgets_values": ["a cat"]}],
            "links": [{"id": 10, "origin_id": -10, "origin_slot": 0, "target_id": 7, "target_slot": 0, "type": "CLIP"},
                      {"id": 11, "origin_id": 7, "origin_slot": 0, "target_id": -20, "target_slot": 0, "type": "CONDITIONING"}]
        }]}
    });
    let w = convert(graph);
    assert_eq!(w.nodes["2:7"].inputs["clip"], link("1", 1));
    assert_eq!(w.nodes["2:7"].inputs["text"].value(), Some(&json!("a cat")));
    assert_eq!(w.nodes["3"].inputs["conditioning_1"], link("2:7", 0));
    assert!(!w.nodes.contains_key("2"));
}

#[test]
fn set_get_nodes_and_unknown_classes() {
    let graph = json!({
        "version": 0.4,
        "nodes": [
            {"id": 1, "type": "VAELoader", "mode": 0, "outputs": [{"type": "VAE"}], "widgets_values": ["7"]},
            {"id": 2, "type": "SetNode", "mode": 0, "inputs": [{"name": "VAE", "type": "VAE", "link": 1}], "widgets_values": ["vae"]},
            {"id": 3, "type": "GetNode", "mode": 0, "outputs": [{"type": "VAE"}], "widgets_values": ["vae"]},
            {"id": 4, "type": "MyDecoder", "mode": 0, "inputs": [{"name": "vae", "type": "VAE", "link": 2},
                {"name": "tile", "type": "INT", "link": null, "widget": {"name": "tile"}}], "widgets_values": [512, "fixed", "extra"]}
        ],
        "links": [[1, 1, 0, 2, 0, "VAE"], [2, 3, 0, 4, 0, "VAE"]]
    });
    let (w, warnings) = editor_to_workflow(&graph, Schemas::bundled()).unwrap();
    assert_eq!(w.nodes["4"].inputs["vae"], link("1", 0));
    assert_eq!(w.nodes["4"].inputs["tile"].value(), Some(&json!(512)));
    assert!(warnings.iter().any(|w| w.contains("node 4 (MyDecoder)")), "{warnings:?}");
}
