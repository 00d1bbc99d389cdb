//! Journeys around the run: opening a broken workflow shows where it is broken and keeps the
//! current one; a running job can be canceled from the window.

use std::time::Duration;

use serde_json::json;

use crate::driver::Session;

/// Pasting a workflow with a dangling link (outside any text field) shows a located error and
/// leaves the open workflow untouched.
#[tokio::test]
async fn opening_an_invalid_workflow_shows_the_located_error() {
    let (session, _run) = Session::open_reference("invalid", &[]).await;
    let broken = r#"{"1": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["4", 2]}}}"#;
    session
        .script(
            "const data = new DataTransfer();
             data.setData('text/plain', arguments[0]);
             document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));",
            json!([broken]),
        )
        .await;
    let message = session
        .wait_until(
            "the located error",
            "const b = document.querySelector('[data-testid=error-banner][data-code=invalidWorkflow]');
             const m = document.querySelector('[data-testid=error-message]');
             return b && m ? m.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    let message = message.as_str().unwrap_or_default().to_string();
    assert!(
        message.contains("node 1 (VAEDecode)") && message.contains("samples") && message.contains("7"),
        "{message}"
    );
    let nodes = session.script("return document.querySelectorAll('[data-testid^=node-]').length", json!([])).await;
    assert_eq!(nodes, json!(11), "the open workflow is kept");
    session.screenshot("open-invalid").await;
    session.close().await;
}

/// A run at a slow demo pace is canceled while a node is running: the job ends canceled and
/// no image is saved.
#[tokio::test]
async fn canceling_a_running_job() {
    // The reference job is about 65 ticks (two samplers of 30 and 26 steps and nine one-tick
    // nodes). At 600 ms a tick the cancel has about 40 s to land after the first running node;
    // at 150 ms it had 10 s, which a loaded machine's WebDriver round trips can use up, and the
    // run then ends succeeded instead. A canceled run ends at once, so the slow pace costs
    // nothing when the test passes.
    let (session, run) = Session::open_reference("cancel", &[("EASEL_DEMO_STEP_MS", "600")]).await;
    session.click(&run).await;
    session
        .wait_until(
            "a running node",
            "return !!document.querySelector('[data-state=running]')",
            Duration::from_secs(90),
        )
        .await;
    let cancel = session.find("[data-testid=cancel]", Duration::from_secs(5)).await;
    session.click(&cancel).await;
    let status = session
        .wait_until(
            "the run to end canceled",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.textContent.startsWith('Canceled') ? s.textContent : null;",
            Duration::from_secs(90),
        )
        .await;
    assert!(status.as_str().is_some_and(|s| s.starts_with("Canceled")));
    let states = session
        .script(
            "return [...document.querySelectorAll('[data-testid=queue-item]')].map(e => e.dataset.state)",
            json!([]),
        )
        .await;
    assert_eq!(states, json!(["canceled"]));
    let image = session.script("return !!document.querySelector('[data-testid=result-image]')", json!([])).await;
    assert_eq!(image, json!(false), "a canceled run shows no image");
    session.screenshot("cancel").await;
    let library = session.library.path().join("library");
    session.close().await;
    let pngs =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    assert_eq!(pngs, 0, "nothing was saved");
}
