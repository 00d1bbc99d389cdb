//! The theme chosen in Settings is the next start's first frame: index.html's early script
//! (allowed by the CSP hash Tauri adds) reads the theme the window last showed and puts it on
//! the page before the first paint, so the app shell is not painted dark and then redrawn light
//! (or the other way round) when the settings arrive. Its stylesheet applies under the CSP.

use std::time::Duration;

use serde_json::{json, Value};

use crate::driver::Session;

/// The early script's mark: the theme it found remembered (`null` for none), once per start.
const EARLY: &str = "return performance.getEntriesByName('easel:theme-early').map(m => m.detail ?? null)";

#[tokio::test]
async fn the_theme_chosen_is_the_next_starts_first_frame() {
    let session = Session::start_with("theme", &[]).await;
    session.find("[data-testid=nav-settings]", Duration::from_secs(90)).await;
    assert_eq!(session.script(EARLY, json!([])).await, json!([Value::Null]), "a first start remembers nothing");

    session.choose_setting("theme", "dark").await;
    session
        .wait_until(
            "the dark theme",
            "return document.documentElement.dataset.theme === 'dark'",
            Duration::from_secs(20),
        )
        .await;

    let session = session.restart(&[]).await;
    session.find("[data-testid=nav-settings]", Duration::from_secs(90)).await;
    assert_eq!(session.script(EARLY, json!([])).await, json!(["dark"]), "the early script found the theme");
    let theme = session.script("return document.documentElement.dataset.theme", json!([])).await;
    assert_eq!(theme, json!("dark"));
    // The app's stylesheet applies under the CSP (`style-src 'self'`): blocked, the bar would
    // fall back to a plain block.
    let bar = "return getComputedStyle(document.querySelector('header.app-bar')).display";
    assert_eq!(session.script(bar, json!([])).await, json!("flex"), "the stylesheet applies");
    session.screenshot("theme-dark-after-restart").await;
    session.close().await;
}
