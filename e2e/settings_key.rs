//! The API key journey: set, replace and remove it from Settings. The key must land in the
//! Secret Service (looked up with `secret-tool`, a different client than the app's) and nowhere
//! else: not in the page after saving, not under the app's data, config or cache folders, not in
//! the library, not in what the app printed.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::driver::Session;

const ACCOUNT: &str = "tams:https://ap-east-1.tensorart.cloud";

/// The key stored for the international TAMS endpoint, read back through secret-tool.
fn keychain_key() -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "easel", "username", ACCOUNT])
        .output()
        .expect("secret-tool runs (libsecret-tools is installed by make test)");
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !key.is_empty()).then_some(key)
}

/// Every file under `dir` that contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    crate::journeys::walk(dir)
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())))
        .map(|p| p.display().to_string())
        .collect()
}

async fn save_key(session: &Session, key: &str) -> String {
    let input = session.find("[data-testid=settings-key-input]", Duration::from_secs(10)).await;
    session.type_into(&input, key).await;
    session.click_on("[data-testid=settings-key-save]").await;
    let hint = session
        .wait_until(
            "the key hint",
            "const h = document.querySelector('[data-testid=settings-key-hint]');
             const i = document.querySelector('[data-testid=settings-key-input]');
             return h && i && i.value === '' ? h.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    hint.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_api_key_is_set_replaced_and_removed_through_the_keychain_only() {
    // Nothing from a previous run may fake a pass.
    let _ = Command::new("secret-tool").args(["clear", "service", "easel", "username", ACCOUNT]).status();
    let first = "sk-e2e-first-7d1c9a0b4e2f";
    let second = "sk-e2e-second-55aa31f0c9d8";
    let session = Session::start_with("key", &[]).await;
    session.click_on("[data-testid=nav-settings]").await;
    session.click_on("[data-testid=settings-backend] option[value=tams]").await;

    let hint = save_key(&session, first).await;
    assert_eq!(hint, "…4e2f");
    assert_eq!(keychain_key().as_deref(), Some(first), "the key is in the Secret Service");
    let page = session.script("return document.documentElement.outerHTML", json!([])).await.to_string();
    assert!(!page.contains(first), "the key is not in the page once saved");
    session.screenshot("key-set").await;

    let hint = save_key(&session, second).await;
    assert_eq!(hint, "…c9d8");
    assert_eq!(keychain_key().as_deref(), Some(second), "the key was replaced");

    session.click_on("[data-testid=settings-key-remove]").await;
    session
        .wait_until(
            "the hint to go",
            "return !document.querySelector('[data-testid=settings-key-hint]')",
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(keychain_key(), None, "the key was removed");
    session.screenshot("key-removed").await;

    // Checked while the session's folder still exists (closing removes it).
    let log = session.log();
    let root = session.library.path().to_path_buf();
    let written = crate::journeys::walk(&root).len();
    let leaks: Vec<String> = [first, second].iter().flat_map(|key| files_containing(&root, key)).collect();
    session.close().await;
    assert!(written > 0, "the app wrote its settings and library under {}", root.display());
    assert!(![first, second].iter().any(|key| log.contains(key)), "the app printed the key");
    assert!(leaks.is_empty(), "the key was written to {leaks:?}");
}
