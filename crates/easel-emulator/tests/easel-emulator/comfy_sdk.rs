//! An independent ComfyUI client: `@saintno/comfyui-sdk` 0.3.1 (npm, pinned by the lock in
//! `tests/sdk/`) connects, uploads, queues the reference graph through its `CallWrapper`, follows
//! the websocket to the end and reads history and the image from the ComfyUI flavour. Needs
//! `node` and the SDK installed in `tests/sdk/node_modules` (`make test` runs the install first).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use easel_emulator::FaultSpec;
use serde_json::{json, Value};

use crate::comfy::{reference_api, start_comfy};

#[tokio::test]
async fn comfyui_sdk_runs_the_reference_graph() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("sdk");
    assert!(
        dir.join("node_modules").join("@saintno").join("comfyui-sdk").exists(),
        "the ComfyUI SDK is not installed in {}: run `make test` (it installs it there first)",
        dir.display()
    );
    let emu = start_comfy(Duration::from_millis(2), FaultSpec::default()).await;
    let (url, graph) = (emu.base_url(), reference_api().to_string());
    let run = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("comfy.mjs")
            .current_dir(dir)
            .env("EMULATOR_URL", url)
            .env("GRAPH_JSON", graph)
            .output()
    });
    let output =
        tokio::time::timeout(Duration::from_secs(90), run).await.expect("node ends").expect("join").expect("node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let calls: Vec<Value> =
        stdout.lines().filter(|l| l.starts_with("{\"call\"")).map(|l| serde_json::from_str(l).expect("json")).collect();
    let value = |name: &str| calls.iter().find(|c| c["call"] == name).map(|c| c["value"].clone()).expect(name);
    assert_eq!(value("init")["ready"], true);
    assert!(value("getCheckpoints").as_array().is_some_and(|c| c.contains(&json!("664602165660323756"))));
    assert_eq!(value("uploadImage")["name"], "sdk-input.png");
    let run = value("run");
    assert_eq!(run["pending"], run["promptId"]);
    assert_eq!(run["started"], true);
    assert!(run["progress"].as_u64().is_some_and(|p| p >= 56), "26 + 30 sampler steps: {run}");
    assert!(run["previews"].as_u64().is_some_and(|p| p > 0), "{run}");
    assert_eq!(run["images"]["images"][0]["type"], "output");
    assert_eq!(run["preview"]["images"][0]["type"], "temp");
    let history = value("getHistory");
    assert_eq!((history["status"].clone(), history["completed"].clone()), (json!("success"), json!(true)));
    assert_eq!(history["seed"], 777, "the graph as the SDK sent it");
    assert_eq!(history["outputs"]["9"], run["images"]);
    let image = value("getImage");
    assert_eq!(
        (image["signature"].clone(), image["width"].clone(), image["height"].clone()),
        (json!(true), json!(1024), json!(1536))
    );
    assert_eq!(image["type"], "image/png");
    assert_eq!(value("getQueue"), json!({"running": 0, "pending": 0}));
    assert_eq!(value("getHistories"), json!([run["promptId"]]));
    let paths: Vec<String> = emu.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    for expected in ["GET /prompt", "POST /prompt", "POST /upload/image", "GET /ws", "GET /view", "GET /system_stats"] {
        assert!(paths.iter().any(|p| p == expected), "{expected} not among {paths:?}");
    }
    emu.shutdown().await;
}
