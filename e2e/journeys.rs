//! The journeys. Each starts a fresh app, acts like a person, checks what the window shows and
//! what landed on disk, and saves a screenshot.

use std::time::Duration;

use serde_json::json;

use crate::driver::Session;

/// Open the app (reference workflow loaded on the offline demo), press Run, watch every node
/// finish, and see the 1024x1536 image in the window. The backend's start is held back 1.5 s, so
/// the page's first commands wait for it (held, then run in order) rather than reach it at once.
#[tokio::test]
async fn runs_the_reference_workflow_and_shows_its_image() {
    let (session, run) = Session::open_reference("reference", &[("EASEL_E2E_START_DELAY_MS", "1500")]).await;
    session.click(&run).await;

    // Live progress: some node is seen running (pushed by events) before the end.
    session
        .wait_until(
            "a running or finished node",
            "return !!document.querySelector('[data-state=running],[data-state=done]')",
            Duration::from_secs(90),
        )
        .await;
    let natural = session
        .wait_until(
            "the result image to load",
            "const img = document.querySelector('[data-testid=result-image]');
             return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;",
            Duration::from_secs(90),
        )
        .await;
    assert_eq!(natural, json!([1024, 1536]), "the image shown is the reference workflow's output size");
    let status = session
        .wait_until(
            "the run to report success",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.textContent.startsWith('Done') ? s.textContent : null;",
            Duration::from_secs(90),
        )
        .await;
    assert_eq!(status, json!("Done: 1 image · 2.4 credits used"));
    let done = session.script("return document.querySelectorAll('[data-state=done]').length", json!([])).await;
    assert_eq!(done, json!(11), "every node ends done");

    let shot = session.screenshot("run-reference").await;
    let decoded = png::Decoder::new(std::io::Cursor::new(&shot)).read_info().expect("screenshot is a PNG");
    assert!(decoded.info().width >= 800, "screenshot is the window");

    // The image really is in the library folder.
    let library = session.library.path().join("library");
    let pngs: Vec<_> = walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    assert_eq!(pngs.len(), 1, "one image saved in {}: {pngs:?}", library.display());
    session.close().await;
}

pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
