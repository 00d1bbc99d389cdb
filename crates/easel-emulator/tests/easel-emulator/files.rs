//! Result downloads: real PNGs of the planned size with the graph embedded, deterministic per
//! graph, different per seed, behind signed URLs that refuse tampering and expiry.

use std::time::Duration;

use easel_emulator::EmulatorConfig;
use serde_json::Value;

use crate::{download, png_size, poll_until, post, reference_body, run_reference, start, start_with};

#[tokio::test]
async fn result_is_a_png_of_the_planned_size_with_the_graph() {
    let emu = start().await;
    let job = run_reference(&emu, "png").await;
    let (status, bytes) = download(job["successInfo"]["images"][0]["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(png_size(&bytes), (1024, 1536));
    let text = easel_workflow::png_text_chunks(&bytes).unwrap();
    let prompt = &text.iter().find(|(k, _)| k == "prompt").unwrap().1;
    let graph: Value = serde_json::from_str(prompt).unwrap();
    assert_eq!(graph["3"]["class_type"], "KSampler");
    assert_eq!(graph["3"]["inputs"]["seed"], 12345);
    let out_url = job["successInfo"]["workflowFinishItem"]["nodes"]["9"]["outputUi"]["images"][0]["filename"].as_str();
    assert_eq!(download(out_url.unwrap()).await.1, bytes);
    emu.shutdown().await;
}

#[tokio::test]
async fn same_graph_same_bytes_other_seed_other_bytes() {
    let emu = start().await;
    let url = |job: &Value| job["successInfo"]["images"][0]["url"].as_str().unwrap().to_string();
    let a = download(&url(&run_reference(&emu, "a").await)).await.1;
    let b = download(&url(&run_reference(&emu, "b").await)).await.1;
    assert_eq!(a, b);
    let mut body = reference_body("c");
    body["params"]["3"]["inputs"]["seed"] = 99.into();
    body["params"]["17"]["inputs"]["seed"] = 99.into();
    let (_, created) = post(&emu, "/v1/jobs/workflow", &body).await;
    let id = created["job"]["id"].as_str().unwrap();
    let done = poll_until(&emu, id, |j| j["status"] == "SUCCESS").await.pop().unwrap();
    let c = download(&url(&done)).await.1;
    assert_eq!(png_size(&c), (1024, 1536));
    assert_ne!(a, c);
    emu.shutdown().await;
}

#[tokio::test]
async fn tampered_url_is_403() {
    let emu = start().await;
    let job = run_reference(&emu, "t").await;
    let url = job["successInfo"]["images"][0]["url"].as_str().unwrap();
    let tampered = url.replace("/0.png", "/1.png");
    assert_eq!(download(&tampered).await.0, 403);
    let later = url.replace("Expires=", "Expires=9");
    assert_eq!(download(&later).await.0, 403);
    let unsigned = url.split('?').next().unwrap();
    assert_eq!(download(unsigned).await.0, 403);
    emu.shutdown().await;
}

#[tokio::test]
async fn expired_url_is_403() {
    let emu = start_with(EmulatorConfig {
        step_delay: Duration::from_millis(2),
        url_lifetime: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await;
    let job = run_reference(&emu, "e").await;
    let url = job["successInfo"]["images"][0]["url"].as_str().unwrap().to_string();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = download(&url).await;
        if status == 403 {
            break;
        }
        assert_eq!(status, 200);
        assert!(tokio::time::Instant::now() < deadline, "the URL never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    emu.shutdown().await;
}
