//! How `easel check`'s work scales with graph size: import + validate + execution order + image
//! plans of a linear chain (API format: an empty latent, N latent-upscale links, decode, save),
//! at 1,000 nodes (the baseline, same run) and at 5,000 and 10,000 (`MAX_NODES`). The audit found
//! 5,000 nodes took 5.7 s and grew faster than n² (recursive shapes, plans re-walked per slot);
//! the issue asks that 10,000 cost at most 10× 1,000. Prints medians and the ratios.
//!
//! cargo run --release -p easel-workflow --example chain_bench
//!
//! `-- --once N` checks one N-node chain once, for an instruction count that does not depend on
//! what else the machine runs: `valgrind --tool=callgrind target/release/examples/chain_bench
//! --once 1000` (and 10000); the ratio of the two totals is the scaling without timer noise.

use std::time::{Duration, Instant};

use easel_workflow::Schemas;
use serde_json::{json, Map, Value};

/// An API-format chain of exactly `nodes` nodes.
fn chain(nodes: usize) -> String {
    let mut graph = Map::new();
    graph.insert(
        "0".into(),
        json!({"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}}),
    );
    let links = nodes - 4;
    for i in 1..=links {
        graph.insert(
            i.to_string(),
            json!({"class_type": "LatentUpscale", "inputs": {
                "samples": [(i - 1).to_string(), 0], "upscale_method": "nearest-exact",
                "width": 512, "height": 512, "crop": "disabled"}}),
        );
    }
    graph.insert(
        "ckpt".into(),
        json!({"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "664602165660323756"}}),
    );
    graph.insert(
        "decode".into(),
        json!({"class_type": "VAEDecode", "inputs": {"samples": [links.to_string(), 0], "vae": ["ckpt", 2]}}),
    );
    graph.insert(
        "save".into(),
        json!({"class_type": "SaveImage", "inputs": {"images": ["decode", 0], "filename_prefix": "chain"}}),
    );
    Value::Object(graph).to_string()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// What `easel check` and the engine's validation do with a file's bytes.
fn check(schemas: &Schemas, text: &str) -> usize {
    let imported = schemas.import_bytes(text.as_bytes()).expect("the chain imports");
    let problems = schemas.validate(&imported.workflow);
    let order = imported.workflow.execution_order().expect("the chain has an order");
    let plans = imported.workflow.image_plans();
    problems.len() + order.len() + plans.len()
}

fn time(schemas: &Schemas, text: &str, runs: usize) -> Duration {
    check(schemas, text); // warm-up
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(check(schemas, text));
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let schemas = Schemas::bundled();
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, n] = args.as_slice() {
        if flag == "--once" {
            let nodes: usize = n.parse().expect("--once takes a node count");
            println!("{}", check(schemas, &chain(nodes)));
            return;
        }
    }
    let base_text = chain(1_000);
    let base = time(schemas, &base_text, 41);
    println!("1,000-node chain ({} KB): median {:.2} ms (baseline)", base_text.len() / 1024, base.as_secs_f64() * 1e3);
    for nodes in [5_000, 10_000] {
        let text = chain(nodes);
        let took = time(schemas, &text, 21);
        println!(
            "{nodes:>6}-node chain ({} KB): median {:.2} ms = {:.1}x the 1,000-node chain (nodes x{})",
            text.len() / 1024,
            took.as_secs_f64() * 1e3,
            took.as_secs_f64() / base.as_secs_f64(),
            nodes / 1_000
        );
    }
}
