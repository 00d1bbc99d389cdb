//! The second backend in the window: Settings point Easel at a separately started ComfyUI
//! server (the emulator's ComfyUI flavour), the badge says so and no credit estimate shows,
//! the checkpoint is picked from the server's own files, the reference workflow runs there with
//! its nodes going live (a running node shows the
//! server's preview), and the image is saved with the backend named in its metadata.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, Flavor};
use serde_json::json;

use crate::driver::Session;

/// Points the app at the ComfyUI server at `url` in Settings and waits for the switch.
async fn switch_to_comfyui(session: &Session, url: &str) {
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
    session.type_into(&field, url).await;
    session.click_on("[data-testid=settings-save]:not([disabled])").await;
    let badge = session
        .wait_until(
            "the switch to the ComfyUI server",
            "const b = document.querySelector('[data-testid=backend]');
             return b && b.textContent.trim() === 'ComfyUI' ? b.title : null;",
            Duration::from_secs(30),
        )
        .await;
    assert!(badge.as_str().is_some_and(|t| t.contains(url)), "{badge}");
}

/// Counts, in `window.__seen`, the page changes after which `css` matches: elements that come
/// and go faster than a poll are still seen.
async fn watch_for(session: &Session, css: &str) {
    session
        .script(
            "const css = arguments[0];
             window.__seen = 0;
             new MutationObserver(() => { if (document.querySelector(css)) window.__seen += 1; })
               .observe(document.body, { subtree: true, childList: true, attributes: true });",
            json!([css]),
        )
        .await;
}

#[tokio::test]
async fn runs_the_reference_workflow_on_a_comfyui_server() {
    let server = Emulator::start(EmulatorConfig { flavor: Flavor::ComfyUi, ..EmulatorConfig::default() })
        .await
        .expect("start the ComfyUI emulator");
    let url = server.base_url();
    let session = Session::start_with("comfyui", &[]).await;
    switch_to_comfyui(&session, &url).await;

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
    watch_for(&session, "[data-testid=node-preview][src^=\"data:image/\"]").await;
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
    let previews = session.script("return window.__seen", json!([])).await;
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

/// The four IPAdapter custom nodes (ComfyUI_IPAdapter_plus) as that package declares them: the
/// inputs in widget order, their types and the choices the corpus file uses.
const IPADAPTER_NODES: &str = r#"{
 "IPAdapterUnifiedLoader": {"input": {"required": {"model": ["MODEL"], "preset": [["LIGHT - SD1.5 only (low strength)",
     "STANDARD (medium strength)", "VIT-G (medium strength)", "PLUS (high strength)", "PLUS FACE (portraits)",
     "FULL FACE - SD1.5 only (portraits stronger)"]]}, "optional": {"ipadapter": ["IPADAPTER"]}},
   "output": ["MODEL", "IPADAPTER"], "output_name": ["model", "ipadapter"], "output_is_list": [false, false],
   "name": "IPAdapterUnifiedLoader", "display_name": "IPAdapter Unified Loader", "category": "ipadapter",
   "python_module": "custom_nodes.ComfyUI_IPAdapter_plus", "output_node": false, "description": ""},
 "PrepImageForClipVision": {"input": {"required": {"image": ["IMAGE"],
     "interpolation": [["LANCZOS", "BICUBIC", "HAMMING", "BILINEAR", "BOX", "NEAREST"]],
     "crop_position": [["top", "bottom", "left", "right", "center", "pad"]],
     "sharpening": ["FLOAT", {"default": 0.0, "min": 0, "max": 1, "step": 0.05}]}},
   "output": ["IMAGE"], "output_name": ["IMAGE"], "output_is_list": [false], "name": "PrepImageForClipVision",
   "display_name": "Prep Image For ClipVision", "category": "ipadapter/utils",
   "python_module": "custom_nodes.ComfyUI_IPAdapter_plus", "output_node": false, "description": ""},
 "IPAdapterWeights": {"input": {"required": {"weights": ["STRING", {"default": "1.0, 0.0", "multiline": true}],
     "timing": [["custom", "linear", "ease_in_out", "ease_in", "ease_out", "random"], {"default": "linear"}],
     "frames": ["INT", {"default": 0, "min": 0, "max": 9999, "step": 1}],
     "start_frame": ["INT", {"default": 0, "min": 0, "max": 9999, "step": 1}],
     "end_frame": ["INT", {"default": 9999, "min": 0, "max": 9999, "step": 1}],
     "add_starting_frames": ["INT", {"default": 0, "min": 0, "max": 9999, "step": 1}],
     "add_ending_frames": ["INT", {"default": 0, "min": 0, "max": 9999, "step": 1}],
     "method": [["full batch", "shift batches", "alternate batches"], {"default": "full batch"}]},
     "optional": {"image": ["IMAGE"]}},
   "output": ["FLOAT", "FLOAT", "INT", "IMAGE", "IMAGE"],
   "output_name": ["weights", "weights_invert", "total_frames", "image_1", "image_2"],
   "output_is_list": [false, false, false, false, false], "name": "IPAdapterWeights", "display_name": "IPAdapter Weights",
   "category": "ipadapter/weights", "python_module": "custom_nodes.ComfyUI_IPAdapter_plus", "output_node": false, "description": ""},
 "IPAdapterBatch": {"input": {"required": {"model": ["MODEL"], "ipadapter": ["IPADAPTER"], "image": ["IMAGE"],
     "weight": ["FLOAT", {"default": 1.0, "min": -1, "max": 5, "step": 0.05}],
     "weight_type": [["linear", "ease in", "ease out", "ease in-out", "reverse in-out", "weak input", "weak output",
       "weak middle", "strong middle", "style transfer", "composition", "strong style transfer"]],
     "start_at": ["FLOAT", {"default": 0.0, "min": 0.0, "max": 1.0, "step": 0.001}],
     "end_at": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.001}],
     "embeds_scaling": [["V only", "K+V", "K+V w/ C penalty", "K+mean(V) w/ C penalty"]]},
     "optional": {"image_negative": ["IMAGE"], "attn_mask": ["MASK"], "clip_vision": ["CLIP_VISION"]}},
   "output": ["MODEL"], "output_name": ["MODEL"], "output_is_list": [false], "name": "IPAdapterBatch",
   "display_name": "IPAdapter Batch (Adv.)", "category": "ipadapter/dev",
   "python_module": "custom_nodes.ComfyUI_IPAdapter_plus", "output_node": false, "description": ""}
}"#;

/// A corpus editor file built on four custom nodes, on a server that has them installed: the
/// form names their widgets from the server's schemas, the run shows a preview on the sampler's
/// card, and the gallery names the backend.
#[tokio::test]
async fn a_custom_node_workflow_runs_on_the_comfyui_server_that_has_its_nodes() {
    let custom_nodes = serde_json::from_str(IPADAPTER_NODES).expect("the custom nodes' schemas");
    let config =
        EmulatorConfig { flavor: Flavor::ComfyUi, custom_nodes: Some(custom_nodes), ..EmulatorConfig::default() };
    let server = Emulator::start(config).await.expect("start the ComfyUI emulator");
    let url = server.base_url();
    // The picture the file's LoadImage names is in the server's input folder already.
    let comfy = easel_comfy::Comfy::new(easel_comfy::ComfyConfig::new(&url)).expect("client");
    let picture = std::fs::read(crate::driver::corpus("png/comfy_img2img.png")).expect("a picture");
    let name = comfy.upload_image(picture, "warrior_woman.png", "image/png").await.expect("upload");
    assert_eq!(name, "warrior_woman.png");

    let session = Session::start_with("comfyui-custom", &[]).await;
    switch_to_comfyui(&session, &url).await;
    session.click_on("[data-testid=nav-generate]").await;
    session.reference_drawn().await;
    let file = crate::driver::corpus("workflows/ui/ipadapter_weights_primitivenode.json");
    session.drop_files(&[&file], 400.0, 300.0).await;
    session
        .wait_until(
            "the IPAdapter workflow's cards",
            "return !!document.querySelector('[data-testid=node-22]') && !!document.querySelector('[data-testid=node-19]')",
            Duration::from_secs(30),
        )
        .await;
    // The custom nodes' widgets carry their names and values, read with the server's schemas.
    let named = session
        .wait_until(
            "the custom nodes' widgets in the form",
            "const v = id => { const f = document.querySelector(`[data-testid=field-${id}]`); const s = f && f.querySelector('.value'); return s && s.textContent.trim(); };
             const got = [v('22-timing'), v('22-method'), v('19-embeds_scaling'), v('17-crop_position'), v('18-preset')];
             return got.every(Boolean) ? got : null;",
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(named, json!(["linear", "full batch", "V only", "top", "PLUS (high strength)"]));
    let status = session
        .script(
            "const s = document.querySelector('[data-testid=model-status]'); return s && s.textContent.trim();",
            json!([]),
        )
        .await;
    assert!(!status.as_str().unwrap_or_default().contains("unknown"), "the server knows its nodes: {status}");
    session.screenshot("comfyui-custom-nodes").await;
    // The file names a checkpoint this server does not have: one of its own is picked.
    session.click_on("[data-testid=field-4-ckpt_name]").await;
    let search = session.find("[data-testid=combo-search-4-ckpt_name]", Duration::from_secs(10)).await;
    session.type_into(&search, "v1-5").await;
    session.click_on("[data-testid=combo-option]").await;

    watch_for(&session, "[data-testid=node-3] [data-testid=node-preview]").await;
    session.click_on("[data-testid=run]:not([disabled])").await;
    let status = session
        .wait_until(
            "the run on the ComfyUI server",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && /^(Done|Failed)/.test(s.textContent) ? s.textContent : null;",
            Duration::from_secs(180),
        )
        .await;
    assert!(status.as_str().is_some_and(|s| s.starts_with("Done")), "{status}");
    let previews = session.script("return window.__seen", json!([])).await;
    assert!(previews.as_u64().is_some_and(|n| n > 0), "the sampler's card showed a preview: {previews}");

    // In the gallery, the picture says where it was made.
    session.click_on("[data-testid=nav-gallery]").await;
    let cell = session.find("[data-testid=gallery-cell]", Duration::from_secs(30)).await;
    session.double_click(&cell).await;
    let backend = session
        .wait_until(
            "the backend in the image's metadata",
            "const b = document.querySelector('[data-testid=metadata-backend]'); return b && b.textContent.trim();",
            Duration::from_secs(20),
        )
        .await;
    assert!(backend.as_str().is_some_and(|b| b.starts_with("ComfyUI · 127.0.0.1:")), "{backend}");
    session.screenshot("comfyui-gallery").await;
    session.close().await;
}
