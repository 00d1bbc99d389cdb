//! An img2img corpus workflow in the window, on a TAMS server the test owns: a picture dropped on
//! the LoadImage field is uploaded when Run is pressed, and the server receives the uploaded
//! resource id in the graph, never the local path (the emulator refuses paths as the service
//! would). The saved PNG names the local file and the resource it became.

use std::process::Command;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

use crate::custom_backend::switch_to_custom;
use crate::driver::{corpus, Session};
use crate::generate::seed_settings;

/// Stores a model mapping in `library`'s journal, as `easel models map` would.
pub fn map_model(library: &std::path::Path, file: &str, id: &str, model_type: &str) {
    std::fs::create_dir_all(library).expect("library folder");
    let store = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE)).expect("the journal opens");
    store.record_mapping(easel_engine::TENSORART_IDS, file, id, model_type).expect("the mapping is stored");
}

#[tokio::test]
async fn a_dropped_picture_is_uploaded_and_the_server_gets_its_resource_id() {
    let key = "sk-e2e-img2img-5a6b7c8d9e0f";
    let service = Emulator::start(EmulatorConfig { api_key: key.into(), ..EmulatorConfig::default() })
        .await
        .expect("start the outside emulator");
    let url = service.base_url();
    let workflow = corpus("workflows/api/img2img_sd15_loadimage.json").display().to_string();
    let session = Session::start_prepared("img2img", &[], |root| {
        seed_settings(root, json!({"recentFiles": [workflow]}));
        // Its checkpoint is a file name: mapped in an earlier session (journeys of their own
        // cover mapping in the window: `models`).
        map_model(&root.join("library"), "v1-5-pruned-emaonly.ckpt", "600423083519508503", "CHECKPOINT");
    })
    .await;
    switch_to_custom(&session, &url, key).await;
    session.click_on("[data-testid=nav-generate]").await;
    session.click_on("[data-testid=recent-toggle]:not([disabled])").await;
    session.click_on("[data-testid=recent-menu] button").await;
    session
        .wait_until(
            "the img2img workflow",
            "const n = document.querySelector('[data-testid=workflow-name]');
             return n && n.textContent.includes('img2img') && document.querySelector('[data-testid=node-10]');",
            Duration::from_secs(30),
        )
        .await;

    // Drop a picture on the LoadImage field of node 10.
    session.click_on("[data-testid=node-10]").await;
    session.find("[data-testid=field-image]", Duration::from_secs(10)).await;
    let centre = session
        .script(
            "const r = document.querySelector('[data-testid=field-image]').getBoundingClientRect();
             return [r.left + r.width / 2, r.top + r.height / 2];",
            json!([]),
        )
        .await;
    let picture = session.library.path().join("my-photo.png");
    std::fs::copy(corpus("png/comfy_img2img.png"), &picture).expect("copy the picture");
    let (x, y) = (centre[0].as_f64().unwrap_or(0.0), centre[1].as_f64().unwrap_or(0.0));
    // The page cannot register a file the person never dropped or picked (the same picture).
    let refused = session
        .script_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('use_input_image', { path: arguments[0] })
               .then(() => done('accepted'), (e) => done(e.code));",
            json!([picture.display().to_string()]),
        )
        .await;
    assert_eq!(refused, json!("invalidInput"), "a path the page names alone is refused");
    session.drop_files(&[&picture], x, y).await;
    session
        .wait_until(
            "the dropped picture's size in the field",
            "const m = document.querySelector('[data-testid=image-size-image]'); return m && m.textContent;",
            Duration::from_secs(20),
        )
        .await;
    session.screenshot("img2img-picked").await;

    session.click_on("[data-testid=run]").await;
    session
        .wait_until(
            "the img2img run",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.textContent.startsWith('Done') ? s.textContent : null;",
            Duration::from_secs(120),
        )
        .await;
    session.screenshot("img2img-done").await;
    let library = session.library.path().join("library");
    let pngs: Vec<_> =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    assert_eq!(pngs.len(), 1, "{pngs:?}");
    let chunks = easel_workflow::png_text_chunks(&std::fs::read(&pngs[0]).expect("png")).expect("text");
    session.close().await;
    let account = format!("tams:{url}");
    // Best effort: the keyring is the test session's own and goes away with it.
    let _ = Command::new("secret-tool").args(["clear", "service", "easel", "username", &account]).status();

    // The server: one upload slot, the bytes PUT to it, then the job.
    let requests = service.requests();
    let slots = requests.iter().filter(|r| r.method == "POST" && r.path == "/v1/resource/image").count();
    let puts: Vec<_> = requests.iter().filter(|r| r.method == "PUT" && r.path.starts_with("/upload/")).collect();
    assert_eq!((slots, puts.len()), (1, 1), "{requests:?}");
    assert_eq!(puts[0].status, 200);
    let resource = puts[0].path.trim_start_matches("/upload/").to_string();
    assert!(requests.iter().any(|r| r.path == "/v1/jobs/workflow" && r.status == 200), "{requests:?}");

    // The result: the graph sent holds the resource id, and the easel chunk names the file.
    let chunk = |k: &str| -> Value {
        serde_json::from_str(&chunks.iter().find(|(n, _)| n == k).expect("chunk").1).expect("json")
    };
    assert_eq!(chunk("prompt")["10"]["inputs"]["image"], json!(resource));
    let easel = chunk("easel");
    assert_eq!(easel["uploads"][0]["resource"], json!(resource));
    assert_eq!(easel["uploads"][0]["file"], json!(picture.display().to_string()));
    assert!(!chunk("prompt").to_string().contains("my-photo"), "no local path reached the server's graph");
}
