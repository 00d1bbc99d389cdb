//! Journeys of the Generate view with real files: a corpus workflow opened from the recent-files
//! menu, its model files mapped to Tensor.Art ids in the form (Run stays disabled until they
//! are), edited (prompt and seed) and run, and a second workflow naming the same files found
//! mapped already; a ComfyUI PNG dropped on the window gives its workflow back.

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

/// The demo catalogue's SDXL checkpoint (crates/easel-emulator/src/model.rs).
const SDXL_CHECKPOINT: &str = "757279507095956705";

/// The toolbar's model status: `ready`, `unmapped` or `blocked`.
async fn model_status(session: &Session, want: &str) -> Value {
    session
        .wait_until(
            &format!("the model status to be {want}"),
            &format!(
                "const b = document.querySelector('[data-testid=model-status]');
                 return b && b.dataset.state === '{want}' ? b.textContent : null;"
            ),
            Duration::from_secs(30),
        )
        .await
}

/// Maps the model file of `node`'s `ckpt_name` in the form: paste `reference`, wait for the
/// looked-up name and preview, confirm, and see the mapped mark name the id.
async fn map_in_form(session: &Session, node: &str, reference: &str) {
    // The form lists every node's inputs; the card may be outside the graph's view.
    let field = format!("[data-testid=model-field-{node}-ckpt_name]");
    session.find(&format!("{field} [data-testid=model-unmapped]"), Duration::from_secs(10)).await;
    session.script(&format!("document.querySelector('{field}').scrollIntoView({{block: 'center'}})"), json!([])).await;
    let input = session.find(&format!("{field} [data-testid=model-reference]"), Duration::from_secs(10)).await;
    session.type_into(&input, reference).await;
    let name = session
        .wait_until(
            "the pasted model's name and preview",
            &format!(
                "const f = document.querySelector('{field}');
                 const n = f && f.querySelector('[data-testid=model-preview-name]');
                 const img = f && f.querySelector('[data-testid=model-preview]');
                 return n && img && img.complete && img.naturalWidth > 0 ? n.textContent : null;"
            ),
            Duration::from_secs(30),
        )
        .await;
    assert!(name.as_str().is_some_and(|n| n.contains("Demo SDXL checkpoint")), "{name}");
    session.screenshot(&format!("corpus-model-picker-{node}")).await;
    session.click_on(&format!("{field} [data-testid=model-map-confirm]")).await;
    let mapped = session
        .wait_until(
            "the mapped mark",
            &format!(
                "const m = document.querySelector('{field} [data-testid=model-mapped]');
                 return m ? m.textContent : null;"
            ),
            Duration::from_secs(30),
        )
        .await;
    assert!(mapped.as_str().is_some_and(|m| m.contains(SDXL_CHECKPOINT)), "{mapped}");
}

/// Open the SDXL editor workflow from the corpus through Recent files: its two checkpoints are
/// file names, so the status says so and Run is disabled with the reason. Map both in the form
/// (one by model page URL, one by id), change the positive prompt and the base sampler's seed,
/// run, watch every node finish, see the image, and find both edits and the mapped id in the
/// PNG that landed in the library. A second workflow naming the same files opens mapped.
#[tokio::test]
async fn opens_a_corpus_workflow_edits_prompt_and_seed_and_runs_it() {
    let file = corpus("workflows/ui/examples_sdxl_simple_primitives_notes_png.json");
    let second = corpus("workflows/api/sdxl_base_refiner_ksampleradvanced.json");
    let recent = [file.display().to_string(), second.display().to_string()];
    let session = Session::start_prepared("corpus-run", &[], |root| {
        seed_settings(root, json!({"recentFiles": recent}));
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

    // The editor file stores its paired prompt cards 90 px apart (#18): in the window, as
    // painted, no two cards intersect.
    let overlaps = session
        .script(
            "const cards = [...document.querySelectorAll('[data-testid^=node-]')]
                 .filter(e => /^node-\\d+$/.test(e.dataset.testid))
                 .map(e => [e.dataset.testid, e.getBoundingClientRect()]);
             const hits = [];
             for (let i = 0; i < cards.length; i++) for (let j = i + 1; j < cards.length; j++) {
                 const [a, r] = cards[i], [b, s] = cards[j];
                 if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) hits.push(a + '/' + b);
             }
             return [cards.length, hits];",
            json!([]),
        )
        .await;
    assert!(overlaps[0].as_u64().is_some_and(|n| n >= 8), "the cards are in the window: {overlaps}");
    assert_eq!(overlaps[1], json!([]), "no two cards overlap");

    let status = model_status(&session, "unmapped").await;
    assert!(status.as_str().is_some_and(|s| s.contains('2')), "two model files to map: {status}");
    let blocked = session
        .wait_until(
            "Run disabled with its reason",
            "const run = document.querySelector('[data-testid=run]');
             const why = document.querySelector('[data-testid=run-blocked-reason]');
             return run && run.disabled && why && why.textContent.trim() ? why.textContent : null;",
            Duration::from_secs(10),
        )
        .await;
    assert!(blocked.as_str().is_some_and(|w| !w.is_empty()), "{blocked}");
    session.screenshot("corpus-unmapped").await;
    map_in_form(&session, "4", &format!("https://tensor.art/models/{SDXL_CHECKPOINT}/demo-sdxl")).await;
    map_in_form(&session, "12", SDXL_CHECKPOINT).await;
    model_status(&session, "ready").await;

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
    assert_eq!(graph["4"]["inputs"]["ckpt_name"], json!(SDXL_CHECKPOINT), "the mapped id was sent");

    // Another workflow naming the same two files: mapped already, ready to run.
    session.click_on("[data-testid=recent-toggle]:not([disabled])").await;
    session.click_on("[data-testid=recent-menu] button[title$=\"sdxl_base_refiner_ksampleradvanced.json\"]").await;
    session
        .wait_until(
            "the second workflow",
            "const n = document.querySelector('[data-testid=workflow-name]');
             return n && n.textContent.includes('sdxl_base_refiner');",
            Duration::from_secs(30),
        )
        .await;
    model_status(&session, "ready").await;
    session.screenshot("corpus-second-mapped").await;
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
