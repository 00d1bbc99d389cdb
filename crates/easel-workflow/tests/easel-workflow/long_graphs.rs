//! Graph size from hostile input (audit H2 and the node cap): every per-graph pass (execution
//! order, shapes and image plans, validation, form fields) runs on a 200,000-node chain inside a
//! thread with a 256 KiB stack, so any recursion one frame per node would overflow it; and every
//! importer refuses a graph over `MAX_NODES` with the count and the limit. The chain is built as
//! a `Workflow` directly, since importing it would (rightly) be refused by the cap.

use easel_workflow::{
    FormField, ImagePlan, Input, Link, Node, Schemas, Workflow, WorkflowDoc, WorkflowError, MAX_NODES,
};
use indexmap::IndexMap;
use serde_json::{json, Map, Value};

/// A stack this small holds a few dozen frames of these passes, nowhere near one per node.
const SMALL_STACK: usize = 256 * 1024;

fn node(class: &str, inputs: Vec<(&str, Input)>) -> Node {
    Node {
        class_type: class.into(),
        inputs: inputs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        title: None,
        extra: Map::new(),
    }
}

fn link(id: &str) -> Input {
    Input::Link(Link { node: id.into(), output: 0 })
}

fn value(v: Value) -> Input {
    Input::Value(v)
}

/// CheckpointLoaderSimple and EmptyLatentImage (512x768, batch 2), then `links` LatentUpscaleBy
/// nodes in a line (the first doubles, the others keep the size), VAEDecode and SaveImage.
/// Written last node first, so file order is the reverse of execution order.
fn latent_chain(links: usize) -> Workflow {
    let mut nodes = IndexMap::with_capacity(links + 4);
    nodes.insert(
        "save".to_string(),
        node("SaveImage", vec![("images", link("decode")), ("filename_prefix", value(json!("chain")))]),
    );
    nodes.insert(
        "decode".to_string(),
        node(
            "VAEDecode",
            vec![
                ("samples", link(&format!("up{links}"))),
                ("vae", Input::Link(Link { node: "ckpt".into(), output: 2 })),
            ],
        ),
    );
    for i in (1..=links).rev() {
        let from = if i == 1 { "latent".to_string() } else { format!("up{}", i - 1) };
        let by = if i == 1 { 2.0 } else { 1.0 };
        nodes.insert(
            format!("up{i}"),
            node(
                "LatentUpscaleBy",
                vec![
                    ("samples", link(&from)),
                    ("upscale_method", value(json!("nearest-exact"))),
                    ("scale_by", value(json!(by))),
                ],
            ),
        );
    }
    nodes.insert(
        "latent".to_string(),
        node(
            "EmptyLatentImage",
            vec![("width", value(json!(512))), ("height", value(json!(768))), ("batch_size", value(json!(2)))],
        ),
    );
    nodes.insert("ckpt".to_string(), node("CheckpointLoaderSimple", vec![("ckpt_name", value(json!("1")))]));
    Workflow { nodes }
}

/// Runs `f` on a thread with `SMALL_STACK`; a stack overflow there aborts the test binary.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).unwrap().join().unwrap()
}

#[test]
fn a_200_000_node_chain_is_ordered_planned_validated_and_listed_without_recursion() {
    const LINKS: usize = 199_996;
    let (order, plans, mid, problems, fields) = on_small_stack(|| {
        let w = latent_chain(LINKS);
        assert_eq!(w.nodes.len(), 200_000);
        let order = w.execution_order().unwrap();
        let plans = w.image_plans();
        let mid = w.node_plans().get("up100000");
        let problems = Schemas::bundled().validate(&w);
        let fields: Vec<FormField> = Schemas::bundled().form_fields(&w);
        (order, plans, mid, problems, fields)
    });
    assert_eq!(order.len(), 200_000);
    assert_eq!(order.first().map(String::as_str), Some("latent"), "sources first, in file order after sinks");
    assert_eq!(&order[order.len() - 3..], ["ckpt", "decode", "save"]);
    let position = |id: &str| order.iter().position(|o| o == id).unwrap();
    assert!(position("up1") < position("up2") && position("up199995") < position("up199996"));
    assert_eq!(plans, [ImagePlan { node_id: "save".into(), width: 1024, height: 1536, count: 2 }]);
    assert_eq!(mid, ImagePlan { node_id: "up100000".into(), width: 1024, height: 1536, count: 2 });
    assert_eq!(problems, [], "the chain is a valid graph");
    // Two widget values per upscale, three on the latent, one on the loader and one on the saver.
    assert_eq!(fields.len(), 2 * LINKS + 5);
}

#[test]
fn a_cycle_still_gets_plans_and_a_cycle_error() {
    let mut w = latent_chain(3);
    // up1 now reads from up3: up1 -> up2 -> up3 -> up1.
    w.nodes.get_mut("up1").unwrap().inputs.insert("samples".into(), link("up3"));
    let err = w.execution_order().unwrap_err();
    assert!(matches!(&err, WorkflowError::Cycle(ids) if ids.contains(&"up1".to_string())), "{err}");
    let plans = on_small_stack(move || w.image_plans());
    assert_eq!(plans.len(), 1, "a plan per output even when the graph cannot run");
}

/// An API graph of `count` independent EmptyLatentImage nodes.
fn api_graph(count: usize, class_key: &str) -> Map<String, Value> {
    (0..count)
        .map(|i| {
            (
                i.to_string(),
                json!({class_key: "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}}),
            )
        })
        .collect()
}

fn assert_node_cap(err: WorkflowError, count: usize) {
    assert_eq!(err, WorkflowError::TooLarge { what: "nodes", count, limit: MAX_NODES });
    assert_eq!(err.to_string(), format!("too many nodes: {count}, the limit is {MAX_NODES}"));
}

#[test]
fn importing_more_than_max_nodes_is_refused_in_every_dialect() {
    assert_eq!(MAX_NODES, 10_000);
    let at_cap = Value::Object(api_graph(MAX_NODES, "class_type"));
    assert_eq!(Workflow::from_json(at_cap).unwrap().workflow.nodes.len(), MAX_NODES, "the cap itself is accepted");

    let over = api_graph(MAX_NODES + 1, "class_type");
    let api = Workflow::from_json_str(&Value::Object(over.clone()).to_string()).unwrap_err();
    assert_node_cap(api, MAX_NODES + 1);
    let wrapped = Workflow::from_json(json!({"prompt": Value::Object(over.clone())})).unwrap_err();
    assert_node_cap(wrapped, MAX_NODES + 1);
    let tams =
        Workflow::from_json(json!({"params": Value::Object(api_graph(MAX_NODES + 1, "classType"))})).unwrap_err();
    assert_node_cap(tams, MAX_NODES + 1);
    let stored = Workflow::from_stored_params(Value::Object(over)).unwrap_err();
    assert_node_cap(stored, MAX_NODES + 1);

    // The UI document the app sends back is held to the same cap.
    let doc = WorkflowDoc::from_workflow("big", &latent_chain(MAX_NODES));
    assert_node_cap(doc.to_workflow().unwrap_err(), MAX_NODES + 4);
}

/// An editor file with `real` EmptyLatentImage nodes and `notes` Note nodes.
fn editor_file(real: usize, notes: usize) -> Value {
    let nodes: Vec<Value> = (0..real + notes)
        .map(|i| {
            let kind = if i < real { "EmptyLatentImage" } else { "Note" };
            json!({"id": i, "type": kind, "mode": 0, "widgets_values": [512, 512, 1]})
        })
        .collect();
    json!({"version": 0.4, "links": [], "nodes": nodes})
}

#[test]
fn editor_files_are_capped_after_conversion_and_before_expansion() {
    let schemas = Schemas::bundled();
    // Notes vanish on conversion, so they do not count against MAX_NODES...
    let imported = schemas.import_value(editor_file(MAX_NODES, 5_000)).unwrap();
    assert_eq!(imported.workflow.nodes.len(), MAX_NODES);
    // ...but the graph that would run does.
    assert_node_cap(schemas.import_value(editor_file(MAX_NODES + 1, 0)).unwrap_err(), MAX_NODES + 1);
    // And the editor graph itself is bounded before expansion starts.
    let err = schemas.import_value(editor_file(0, easel_workflow::MAX_EXPANDED_NODES + 1)).unwrap_err();
    assert_eq!(
        err,
        WorkflowError::TooLarge {
            what: "editor nodes",
            count: easel_workflow::MAX_EXPANDED_NODES + 1,
            limit: easel_workflow::MAX_EXPANDED_NODES
        }
    );
}

/// Audit I4: `GetNode` resolution looks setters up in a map built once, so thousands of Set/Get
/// pairs cost one pass. The editor-node cap (`MAX_EXPANDED_NODES`, 20,000) leaves room for
/// 9,999 pairs next to one source and one consumer; every pair carries a different output slot
/// and its Get is written in the reverse file order of its Set, so a wrong or positional match
/// would show as a wrong slot. Time is not measured: the check is that every one of the pairs
/// resolves to exactly its own setter's source, and the size of the result is exact.
#[test]
fn the_most_set_get_pairs_the_editor_cap_allows_resolve_each_to_its_own_setter() {
    const PAIRS: usize = (easel_workflow::MAX_EXPANDED_NODES - 2) / 2;
    assert_eq!(PAIRS, 9_999);
    let source = 1usize;
    let consumer = 2 * PAIRS + 2;
    let set_id = |i: usize| 2 + i;
    let get_id = |i: usize| 2 + PAIRS + (PAIRS - 1 - i);
    let mut nodes = vec![json!({
        "id": source, "type": "EasyMultiOutput", "mode": 0,
        "outputs": (0..PAIRS).map(|i| json!({"name": format!("o{i}"), "type": "LATENT", "links": [i + 1]})).collect::<Vec<_>>()
    })];
    let mut links = Vec::with_capacity(2 * PAIRS);
    for i in 0..PAIRS {
        // Link i+1: source slot i -> SetNode i; link PAIRS+i+1: GetNode i -> consumer input i.
        links.push(json!([i + 1, source, i, set_id(i), 0, "LATENT"]));
        links.push(json!([PAIRS + i + 1, get_id(i), 0, consumer, i, "LATENT"]));
        nodes.push(json!({"id": set_id(i), "type": "SetNode", "mode": 0,
            "inputs": [{"name": "LATENT", "type": "LATENT", "link": i + 1}], "widgets_values": [format!("v{i}")]}));
    }
    for i in (0..PAIRS).rev() {
        nodes.push(json!({"id": get_id(i), "type": "GetNode", "mode": 0,
            "outputs": [{"name": "LATENT", "type": "LATENT", "links": [PAIRS + i + 1]}], "widgets_values": [format!("v{i}")]}));
    }
    nodes.push(json!({
        "id": consumer, "type": "EasyCollector", "mode": 0,
        "inputs": (0..PAIRS).map(|i| json!({"name": format!("in{i}"), "type": "LATENT", "link": PAIRS + i + 1})).collect::<Vec<_>>()
    }));
    assert_eq!(nodes.len(), easel_workflow::MAX_EXPANDED_NODES, "exactly at the editor-node cap");
    let file = json!({"version": 0.4, "nodes": nodes, "links": links});

    let imported = Schemas::bundled().import_value(file).unwrap();
    let w = &imported.workflow;
    assert_eq!(w.nodes.len(), 2, "every Set and Get is virtual and vanishes: {:?}", w.nodes.keys().collect::<Vec<_>>());
    let collector = &w.nodes[consumer.to_string().as_str()];
    assert_eq!(collector.inputs.len(), PAIRS);
    for i in 0..PAIRS {
        let expected = Input::Link(Link { node: source.to_string(), output: i as u32 });
        assert_eq!(collector.inputs[format!("in{i}").as_str()], expected, "pair {i}");
    }
}
