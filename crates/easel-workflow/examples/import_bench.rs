//! Import + validate time of the largest corpus workflow (a 116-node, 92 KB editor file that
//! must be converted to an API graph), beside a baseline measured in the same run: plain
//! `serde_json::from_str` of the same text. Prints medians of many runs and the ratio.
//!
//! cargo run --release -p easel-workflow --example import_bench [-- FILE]

use std::time::{Duration, Instant};

use easel_workflow::Schemas;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    for _ in 0..runs / 10 {
        f(); // warm-up
    }
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shared = std::env::var_os("EASEL_SHARED")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"));
    let default = shared.join("corpus/workflows/ui/user_wan21_2pass_116_nodes_workflow_only_png.json");
    let path = std::env::args().nth(1).unwrap_or_else(|| default.to_string_lossy().to_string());
    let text = std::fs::read_to_string(&path)?;
    let schemas = Schemas::bundled();
    let runs = 500;
    let baseline = time(runs, || {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        std::hint::black_box(v);
    });
    let mut nodes = 0;
    let mut problems = 0;
    let import = time(runs, || {
        if let Ok(imported) = schemas.import_json_str(&text) {
            nodes = imported.workflow.nodes.len();
            problems = schemas.validate(&imported.workflow).len();
            std::hint::black_box(&imported);
        }
    });
    println!("file: {path} ({} bytes)", text.len());
    println!("result: {nodes} API nodes, {problems} problems");
    println!("baseline serde_json::from_str: {:>9.1} us (median of {runs})", baseline.as_secs_f64() * 1e6);
    println!("import + validate:             {:>9.1} us (median of {runs})", import.as_secs_f64() * 1e6);
    println!("ratio: {:.2}x the bare JSON parse", import.as_secs_f64() / baseline.as_secs_f64().max(1e-12));
    Ok(())
}
