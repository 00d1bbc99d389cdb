//! Subgraph and group-node expansion on hostile editor files (audit H3, "billion laughs"): a
//! definition that contains itself is refused before anything is expanded, nesting that is not
//! recursive but multiplies past the cap stops with the subgraph named, and the other limits
//! (definition count, depth, bytes copied) each give a located error. Honest nesting under the
//! limits still expands to exactly the nodes it describes.

use easel_workflow::{
    DefinitionKind, Schemas, WorkflowError, MAX_EXPANDED_NODES, MAX_EXPANSION_BYTES, MAX_SUBGRAPH_DEFINITIONS,
    MAX_SUBGRAPH_DEPTH,
};
use serde_json::{json, Value};

/// A subgraph definition holding `nodes` (no links: the inner nodes need none for these tests).
fn subgraph(id: &str, nodes: Vec<Value>) -> Value {
    json!({"id": id, "nodes": nodes, "links": []})
}

/// `count` nodes of type `kind`, ids 1..=count, placed as the editor saves them.
fn nodes_of(kind: &str, count: usize) -> Vec<Value> {
    (1..=count)
        .map(|i| json!({"id": i, "type": kind, "pos": [100 * i, 200], "size": [315, 106], "mode": 0, "widgets_values": [512, 512, 1]}))
        .collect()
}

/// An editor file whose top level is one instance of `top`, with these subgraph definitions.
fn editor(top: &str, subgraphs: Vec<Value>) -> Value {
    json!({"version": 0.4, "links": [], "nodes": [{"id": 1, "type": top, "mode": 0}], "definitions": {"subgraphs": subgraphs}})
}

fn refused(file: &Value) -> WorkflowError {
    match Schemas::bundled().import_value(file.clone()) {
        Ok(imported) => panic!("expected a refusal, imported {} nodes", imported.workflow.nodes.len()),
        Err(e) => e,
    }
}

fn definition_error(err: &WorkflowError) -> (DefinitionKind, &str, &str) {
    match err {
        WorkflowError::Definition { kind, id, reason } => (*kind, id.as_str(), reason.as_str()),
        other => panic!("expected a definition error, got {other:?}"),
    }
}

#[test]
fn a_small_file_whose_subgraph_holds_six_copies_of_itself_is_refused_by_name() {
    // The audit's 815-byte file expanded to 1,679,617 nodes (eight rounds of six copies each).
    let file = editor("bomb", vec![subgraph("bomb", nodes_of("bomb", 6))]);
    let size = file.to_string().len();
    println!("{size} bytes");
    assert!(size < 1024, "under a kilobyte, like the audit's file: {size}");
    let err = refused(&file);
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::Subgraph, "bomb"));
    assert!(reason.contains("bomb -> bomb"), "{reason}");
    assert!(err.to_string().starts_with("subgraph `bomb`: it contains an instance of itself"), "{err}");
}

#[test]
fn recursion_through_other_definitions_is_refused_too() {
    let file = editor(
        "a",
        vec![
            subgraph("a", vec![json!({"id": 1, "type": "b", "mode": 0})]),
            subgraph(
                "b",
                vec![json!({"id": 1, "type": "c", "mode": 0}), json!({"id": 2, "type": "KSampler", "mode": 0})],
            ),
            subgraph("c", vec![json!({"id": 1, "type": "a", "mode": 0})]),
        ],
    );
    let err = refused(&file);
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::Subgraph, "a"));
    assert!(reason.contains("a -> b -> c -> a"), "{reason}");

    // Group nodes are definitions as well, and may name each other.
    let groups = json!({
        "version": 0.4, "links": [],
        "nodes": [{"id": 1, "type": "workflow>Outer", "mode": 0}],
        "extra": {"groupNodes": {
            "Outer": {"nodes": [{"type": "workflow/Inner", "index": 0}], "links": []},
            "Inner": {"nodes": [{"type": "workflow>Outer", "index": 0}], "links": []}
        }}
    });
    let err = refused(&groups);
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::GroupNode, "Outer"));
    assert!(reason.contains("Outer -> Inner -> Outer"), "{reason}");
}

#[test]
fn nesting_three_deep_expands_exactly_under_the_cap_and_is_refused_past_it() {
    // 10 x 10 x 10 inner nodes: expanded in full, with ids naming each level.
    let nested = |n: usize| {
        editor(
            "outer",
            vec![
                subgraph("outer", nodes_of("middle", n)),
                subgraph("middle", nodes_of("inner", n)),
                subgraph("inner", nodes_of("EmptyLatentImage", n)),
            ],
        )
    };
    let imported = Schemas::bundled().import_value(nested(10)).unwrap();
    assert_eq!(imported.workflow.nodes.len(), 1000);
    assert!(imported.workflow.nodes.contains_key("1:10:10:10"));
    assert_eq!(imported.workflow.nodes["1:3:4:5"].class_type, "EmptyLatentImage");

    // 30 x 30 x 30 = 27,000 nodes from a file of a few kilobytes: the running total stops it
    // while the third level expands, and the error names that subgraph.
    let file = nested(30);
    let err = refused(&file);
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::Subgraph, "inner"));
    assert!(reason.contains(&format!("over the limit of {MAX_EXPANDED_NODES}")), "{reason}");
    assert!(reason.starts_with("expanding instance node 1:"), "names the instance: {reason}");
}

#[test]
fn too_many_definitions_are_refused_before_any_work() {
    let defs = (0..=MAX_SUBGRAPH_DEFINITIONS).map(|i| subgraph(&format!("s{i}"), nodes_of("KSampler", 1))).collect();
    let err = refused(&editor("s0", defs));
    assert_eq!(
        err,
        WorkflowError::TooLarge {
            what: "subgraph and group-node definitions",
            count: MAX_SUBGRAPH_DEFINITIONS + 1,
            limit: MAX_SUBGRAPH_DEFINITIONS
        }
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_with_the_subgraph_named() {
    // s0 holds s1, which holds s2, ... the last holds one real node.
    let chain = |levels: usize| {
        let defs = (0..levels)
            .map(|i| {
                let inner = if i + 1 == levels { "EmptyLatentImage".to_string() } else { format!("s{}", i + 1) };
                subgraph(&format!("s{i}"), nodes_of(&inner, 1))
            })
            .collect();
        editor("s0", defs)
    };
    let imported = Schemas::bundled().import_value(chain(MAX_SUBGRAPH_DEPTH)).unwrap();
    assert_eq!(imported.workflow.nodes.keys().collect::<Vec<_>>(), [&"1:1:1:1:1:1:1:1:1".to_string()]);
    let err = refused(&chain(MAX_SUBGRAPH_DEPTH + 1));
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::Subgraph, format!("s{MAX_SUBGRAPH_DEPTH}").as_str()));
    assert!(reason.contains("nested more than 8 containers deep"), "{reason}");
}

#[test]
fn fat_definitions_are_bounded_by_bytes_copied_not_only_by_node_count() {
    // One node with a megabyte of prompt text, instanced 100 times: 100 nodes, 100 MB of copies.
    let text = "x".repeat(1 << 20);
    let fat = subgraph("fat", vec![json!({"id": 1, "type": "CLIPTextEncode", "mode": 0, "widgets_values": [text]})]);
    let instances: Vec<Value> = (1..=100).map(|i| json!({"id": i, "type": "fat", "mode": 0})).collect();
    let file = json!({"version": 0.4, "links": [], "nodes": instances, "definitions": {"subgraphs": [fat]}});
    let err = refused(&file);
    let (kind, id, reason) = definition_error(&err);
    assert_eq!((kind, id), (DefinitionKind::Subgraph, "fat"));
    assert!(reason.contains(&format!("over the limit of {} MiB", MAX_EXPANSION_BYTES >> 20)), "{reason}");
}
