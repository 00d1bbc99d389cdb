//! Switching the UI to Simplified Chinese from Settings: every view's labels change at once,
//! and the choice is saved in the settings file.

use std::time::Duration;

use serde_json::json;

use crate::driver::Session;

#[tokio::test]
async fn switches_to_chinese_from_settings() {
    let session = Session::start_with("chinese", &[]).await;
    session.choose_setting("language", "zh-CN").await;
    session
        .wait_until(
            "Chinese labels",
            "const g = document.querySelector('[data-testid=nav-gallery]'); return g && g.textContent.trim() === '图库';",
            Duration::from_secs(20),
        )
        .await;
    session.click_on("[data-testid=nav-generate]").await;
    let status = session
        .wait_until(
            "the status line in Chinese",
            "const s = document.querySelector('[data-testid=run-status]'); return s ? s.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(status, json!("就绪"));
    let lang = session.script("return document.documentElement.lang", json!([])).await;
    assert_eq!(lang, json!("zh-CN"));
    session.screenshot("chinese").await;
    let settings = session.library.path().join("config/dev.easel.studio/settings.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(settings).expect("settings.json")).expect("json");
    session.close().await;
    assert_eq!(saved["settings"]["language"], json!("zh-CN"));
}
