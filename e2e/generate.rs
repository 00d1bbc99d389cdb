//! Journeys of the Generate view with real files: a corpus workflow opened from the recent-files
//! menu, edited (prompt and seed) and run; a ComfyUI PNG dropped on the window gives its
//! workflow back.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::driver::{corpus, Session};

/// Writes the app's settings file before it starts (as a previous session would have).
pub fn seed_settings(root: &Path, settings: Value) {
    let dir = root.join("config/dev.easel.studio");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(dir.join("settings.json"), serde_json::to_vec_pretty(&settings).expect("json")).expect("settings");
}

/// The API graph embedded in a saved PNG (`prompt` text chunk).
fn embedded_prompt(png: &Path) -> Value {
    let bytes = std::fs::read(png).expect("read png");
    let chunks = easel_workflow::png_text_chunks(&bytes).expect("png text");
    let text = chunks.iter().find(|(k, _)| k == "prompt").map(|(_, v)| v.clone()).expect("prompt chunk");
    serde_json::from_str(&text).expect("prompt json")
}

/// Open the SDXL editor workflow from the corpus through Recent files, change the positive
/// prompt and the base sampler's seed, run, watch every node finish, see the image, and find
/// both edits in the PNG that landed in the library.
#[tokio::test]
async fn opens_a_corpus_workflow_edits_prompt_and_seed_and_runs_it() {
    let file = corpus("workflows/ui/examples_sdxl_simple_primitives_notes_png.json");
    let recent = file.display().to_string();
    let session = Session::start_prepared("corpus-run", &[], |root| {
        seed_settings(root, json!({"recentFiles": [recent]}));
    })
    .await;
    session.click_on("[data-testid=recent-toggle]:not([disabled])").await;
    session.click_on("[data-testid=recent-menu] button").await;
    session
        .wait_until(
            "the corpus workflow's graph",
            "const n = document.querySelector('[data-testid=workflow-name]');
             return n && n.textContent.includes('sdxl_simple') && document.querySelector('[data-testid=node-6]');",
            Duration::from_secs(30),
        )
        .await;

    // The positive prompt: select its node, type a new text.
    session.click_on("[data-testid=node-6]").await;
    let prompt = session.find("textarea[data-testid=field-text]", Duration::from_secs(10)).await;
    session.type_into(&prompt, "a lighthouse on a cliff at dawn, oil painting").await;
    // The base sampler's seed, fixed so the run uses exactly it.
    session.click_on("[data-testid=node-10]").await;
    session.click_on("[data-testid=seed-mode-noise_seed] option[value=fixed]").await;
    let seed = session.find("input[data-testid=field-noise_seed]", Duration::from_secs(10)).await;
    session.type_into(&seed, "4242").await;
    session.screenshot("corpus-edited").await;

    session.click_on("[data-testid=run]").await;
    session
        .wait_until(
            "the run to finish",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.textContent.startsWith('Done') ? s.textContent : null;",
            Duration::from_secs(120),
        )
        .await;
    let size = session
        .wait_until(
            "the result image",
            "const img = document.querySelector('[data-testid=result-image]');
             return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;",
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(size, json!([1024, 1024]));
    let states = session
        .script("return [...document.querySelectorAll('[data-testid^=node-]')].map(n => n.dataset.state)", json!([]))
        .await;
    let states: Vec<String> = serde_json::from_value(states).expect("states");
    assert!(!states.is_empty() && states.iter().all(|s| s == "done"), "every node done: {states:?}");
    session.screenshot("corpus-run").await;

    let library = session.library.path().join("library");
    let pngs: Vec<_> =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    assert_eq!(pngs.len(), 1, "{pngs:?}");
    let graph = embedded_prompt(&pngs[0]);
    assert_eq!(graph["6"]["inputs"]["text"], json!("a lighthouse on a cliff at dawn, oil painting"));
    assert_eq!(graph["10"]["inputs"]["noise_seed"], json!(4242));
    session.close().await;
}

/// Dropping a ComfyUI PNG on the window opens the workflow it carries, with its nodes and values.
#[tokio::test]
async fn dropping_a_png_opens_its_workflow() {
    let (session, _run) = Session::open_reference("drop-png", &[]).await;
    let png = corpus("png/comfy_img2img.png");
    session.drop_files(&[&png], 600.0, 300.0).await;
    let name = session
        .wait_until(
            "the PNG's workflow",
            "const n = document.querySelector('[data-testid=workflow-name]');
             return n && n.textContent.includes('comfy_img2img') ? n.textContent : null;",
            Duration::from_secs(30),
        )
        .await;
    assert!(name.as_str().is_some_and(|n| n.contains("comfy_img2img")));
    let classes = session
        .wait_until(
            "its nodes",
            "const cards = [...document.querySelectorAll('[data-testid^=node-]')];
             return cards.length > 0 ? cards.map(c => c.textContent) : null;",
            Duration::from_secs(20),
        )
        .await;
    let text = classes.to_string();
    assert!(text.contains("LoadImage") && text.contains("KSampler"), "{text}");
    session.screenshot("drop-png").await;
    session.close().await;
}
