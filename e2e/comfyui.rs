//! The second backend in the window: Settings point Easel at a separately started ComfyUI
//! server (the emulator's ComfyUI flavour), the badge says so and no credit estimate shows,
//! the checkpoint is picked from the server's own files, the reference workflow runs there with
//! its nodes going live (a running node shows the
//! server's preview), and the image is saved with the backend named in its metadata.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, Flavor};
use serde_json::json;

use crate::driver::Session;

#[tokio::test]
async fn runs_the_reference_workflow_on_a_comfyui_server() {
    let server = Emulator::start(EmulatorConfig { flavor: Flavor::ComfyUi, ..EmulatorConfig::default() })
        .await
        .expect("start the ComfyUI emulator");
    let url = server.base_url();
    let session = Session::start_with("comfyui", &[]).await;
    session.click_on("[data-testid=nav-settings]").await;
    session.click_on("[data-testid=settings-backend] option[value=comfyui]").await;
    let field = session.find("[data-testid=settings-comfyui-url]", Duration::from_secs(10)).await;
    session
        .script(
            "const i = document.querySelector('[data-testid=settings-comfyui-url]'); i.value = '';
             i.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([]),
        )
        .await;
    session.type_into(&field, &url).await;
    session.click_on("[data-testid=settings-save]:not([disabled])").await;
    let badge = session
        .wait_until(
            "the switch to the ComfyUI server",
            "const b = document.querySelector('[data-testid=backend]');
             return b && b.textContent.trim() === 'ComfyUI' ? b.title : null;",
            Duration::from_secs(30),
        )
        .await;
    assert!(badge.as_str().is_some_and(|t| t.contains(&url)), "{badge}");

    session.click_on("[data-testid=nav-generate]").await;
    session.reference_drawn().await;
    let estimate = session.script("return !!document.querySelector('[data-testid=estimate]')", json!([])).await;
    assert_eq!(estimate, json!(false), "a ComfyUI server charges no credits");
    // The checkpoint is chosen from the server's own files, searching as one types.
    session.click_on("[data-testid=field-4-ckpt_name]").await;
    let search = session.find("[data-testid=combo-search-4-ckpt_name]", Duration::from_secs(10)).await;
    session.type_into(&search, "v1-5 pruned").await;
    let options = session
        .wait_until(
            "the server's checkpoints matching the search",
            "const o = [...document.querySelectorAll('[data-testid=combo-option]')].map(b => b.textContent.trim());
             return o.length === 1 ? o : null;",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(options, json!(["v1-5-pruned-emaonly.safetensors"]));
    session.click_on("[data-testid=combo-option]").await;
    session
        .wait_until(
            "the choice in the field",
            "const f = document.querySelector('[data-testid=field-4-ckpt_name]');
             return f && f.textContent.includes('v1-5-pruned-emaonly.safetensors');",
            Duration::from_secs(10),
        )
        .await;
    // Previews come and go with their node: a watcher notes one whenever it appears.
    session
        .script(
            "window.__previews = 0;
             new MutationObserver(() => {
               if (document.querySelector('[data-testid=node-preview][src^=\"data:image/\"]')) window.__previews += 1;
             }).observe(document.body, { subtree: true, childList: true, attributes: true });",
            json!([]),
        )
        .await;
    session.click_on("[data-testid=run]:not([disabled])").await;
    session
        .wait_until(
            "a node running live",
            "return !!document.querySelector('[data-state=running],[data-state=done]')",
            Duration::from_secs(60),
        )
        .await;
    let natural = session
        .wait_until(
            "the result image",
            "const img = document.querySelector('[data-testid=result-image]');
             return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;",
            Duration::from_secs(120),
        )
        .await;
    assert_eq!(natural, json!([1024, 1536]));
    let previews = session.script("return window.__previews", json!([])).await;
    assert!(previews.as_u64().is_some_and(|n| n > 0), "a running node showed its live preview: {previews}");
    session.screenshot("comfyui-run").await;

    let library = session.library.path().join("library");
    let pngs: Vec<_> =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    assert_eq!(pngs.len(), 1, "{pngs:?}");
    let bytes = std::fs::read(&pngs[0]).expect("the saved image");
    let text = easel_workflow::png_text_chunks(&bytes).expect("chunks");
    let easel: serde_json::Value =
        serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").expect("easel chunk").1).expect("json");
    assert_eq!(easel["backendKind"], json!("comfyui"));
    let prompt: serde_json::Value =
        serde_json::from_str(&text.iter().find(|(k, _)| k == "prompt").expect("prompt chunk").1).expect("json");
    assert_eq!(
        prompt["4"]["inputs"]["ckpt_name"],
        json!("v1-5-pruned-emaonly.safetensors"),
        "the file picked was sent"
    );
    assert!(
        easel["backend"].as_str().is_some_and(|b| b.starts_with("comfyui+http://127.0.0.1:")),
        "{}",
        easel["backend"]
    );
    session.close().await;
}
