//! The real-service path, end to end, against a TAMS server the app does not own: Settings
//! point Easel at a separately started emulator (custom URL) with its key stored in the
//! keychain, the app switches backend, and a run goes to that server with that key.

use std::process::Command;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

use crate::driver::Session;

/// Points the app at `url` in Settings with `key` saved to the keychain, and waits for the switch.
pub async fn switch_to_custom(session: &Session, url: &str, key: &str) {
    session.click_on("[data-testid=nav-settings]").await;
    session.click_on("[data-testid=settings-backend] option[value=custom]").await;
    let field = session.find("[data-testid=settings-custom-url]", Duration::from_secs(10)).await;
    session.type_into(&field, url).await;
    let input = session.find("[data-testid=settings-key-input]", Duration::from_secs(10)).await;
    session.type_into(&input, key).await;
    session.click_on("[data-testid=settings-key-save]").await;
    session
        .wait_until(
            "the key hint",
            "const h = document.querySelector('[data-testid=settings-key-hint]'); return h && h.textContent;",
            Duration::from_secs(20),
        )
        .await;
    session.click_on("[data-testid=settings-save]:not([disabled])").await;
    let endpoint = session
        .wait_until(
            "the switch to the custom endpoint",
            "const b = document.querySelector('[data-testid=backend]');
             return b && b.textContent.trim() === 'Custom service' ? b.title : null;",
            Duration::from_secs(30),
        )
        .await;
    assert!(endpoint.as_str().is_some_and(|t| t.contains(url)), "{endpoint}");
}

#[tokio::test]
async fn runs_on_a_custom_tams_endpoint_with_the_keychain_key() {
    let key = "sk-e2e-custom-90b1d2c3e4f5";
    let service = Emulator::start(EmulatorConfig { api_key: key.into(), ..EmulatorConfig::default() })
        .await
        .expect("start the outside emulator");
    let url = service.base_url();
    let account = format!("tams:{url}");
    let session = Session::start_with("custom-backend", &[]).await;
    switch_to_custom(&session, &url, key).await;
    let before = service.request_arrivals().len();

    session.click_on("[data-testid=nav-generate]").await;
    session.click_on("[data-testid=run]").await;
    session
        .wait_until(
            "the run on the custom endpoint",
            "const s = document.querySelector('[data-testid=run-status]');
             return s && s.textContent.startsWith('Done') ? s.textContent : null;",
            Duration::from_secs(120),
        )
        .await;
    session.screenshot("custom-backend").await;
    let library = session.library.path().join("library");
    let pngs =
        crate::journeys::walk(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    let settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(session.library.path().join("config/dev.easel.studio/settings.json"))
            .expect("settings.json"),
    )
    .expect("json");
    session.close().await;
    let stored = Command::new("secret-tool").args(["lookup", "service", "easel", "username", &account]).output();
    let stored = stored.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    // Best effort: the keyring is the test session's own and goes away with it.
    let _ = Command::new("secret-tool").args(["clear", "service", "easel", "username", &account]).status();
    assert_eq!(stored, key, "the key is in the keychain under {account}");
    assert_eq!(pngs, 1, "the image came back from the custom endpoint");
    assert!(service.request_arrivals().len() > before + 2, "the run's requests reached the outside server");
    assert_eq!(settings["settings"]["backend"], json!("custom"));
    assert_eq!(settings["settings"]["customUrl"], json!(url));
    assert!(!settings.to_string().contains(key), "the key is not in the settings file");
}
