//! The History view and a queue that survives a restart (issue 15): three runs (the third on an
//! outside server that fails every job), a fourth queued behind a paused queue, the app quit and
//! started again; History lists all four with their statuses and credits, the paused run waits in
//! the queue until resumed and then succeeds, the failed run is recalled into the form, and the
//! spend chart's bar for today is the sum of the credits the rows show.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use serde_json::json;

use crate::custom_backend::switch_to_custom;
use crate::driver::Session;

/// The demo's pace for this journey: quick, but slow enough to see a queued run.
const ENV: &[(&str, &str)] = &[("EASEL_DEMO_STEP_MS", "5")];

/// Clicks Run and waits until `count` runs in the queue panel ended as `phase`.
async fn run_until(session: &Session, run: &str, phase: &str, count: usize) {
    session.click(run).await;
    session
        .wait_until(
            &format!("{count} runs {phase}"),
            &format!(
                "const n = document.querySelectorAll('[data-testid=queue-item][data-state={phase}]').length;
                 return n >= {count} ? n : null;"
            ),
            Duration::from_secs(120),
        )
        .await;
}

/// The History rows as [status, credits] pairs, once there are `count`.
async fn history_rows(session: &Session, count: usize) -> Vec<(String, String)> {
    let rows = session
        .wait_until(
            &format!("{count} runs in History"),
            &format!(
                "const rows = [...document.querySelectorAll('[data-testid=history-row]')];
                 return rows.length === {count} ? rows.map(r => [r.dataset.status, r.dataset.credits]) : null;"
            ),
            Duration::from_secs(30),
        )
        .await;
    serde_json::from_value(rows).expect("rows")
}

#[tokio::test]
async fn history_lists_every_run_across_a_restart_with_a_paused_queue() {
    let failing = Emulator::start(EmulatorConfig {
        api_key: "sk-e2e-history-7c1f".into(),
        faults: FaultSpec::parse("fail=1").expect("faults"),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start the failing server");
    let session = Session::start_with("history", ENV).await;
    let run = session.reference_drawn().await;
    run_until(&session, &run, "succeeded", 1).await;
    run_until(&session, &run, "succeeded", 2).await;

    switch_to_custom(&session, &failing.base_url(), "sk-e2e-history-7c1f").await;
    session.click_on("[data-testid=nav-generate]").await;
    let run = session.reference_drawn().await;
    run_until(&session, &run, "failed", 1).await;

    // Back on the demo, the queue paused, a fourth run waits in it.
    session.choose_setting("backend", "demo").await;
    session
        .wait_until(
            "the switch back to the demo",
            "const b = document.querySelector('[data-testid=backend]');
             return b && b.textContent.trim() === 'Offline demo' ? true : null;",
            Duration::from_secs(30),
        )
        .await;
    session.click_on("[data-testid=nav-generate]").await;
    let run = session.reference_drawn().await;
    session.click_on("[data-testid=queue-pause]").await;
    session.find("[data-testid=queue-paused]", Duration::from_secs(10)).await;
    session.click(&run).await;
    session
        .wait_until(
            "the fourth run held in the queue",
            "const q = [...document.querySelectorAll('[data-testid=queue-item]')];
             return q.some(i => i.dataset.state === 'queued' || i.dataset.state === 'submitted') ? true : null;",
            Duration::from_secs(30),
        )
        .await;

    // The run is in the journal before the start call returns: nothing to wait for.
    let session = session.restart(ENV).await;
    session.reference_drawn().await;
    // The paused queue came back paused, holding the fourth run.
    session.find("[data-testid=queue-paused]", Duration::from_secs(20)).await;
    let held = session
        .wait_until(
            "the held run in the queue after the restart",
            "const q = [...document.querySelectorAll('[data-testid=queue-item]')];
             return q.length > 0 ? q.map(i => i.dataset.state) : null;",
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(held, json!(["queued"]), "only the held run is in the queue: {held}");

    session.click_on("[data-testid=nav-history]").await;
    let rows = history_rows(&session, 4).await;
    let statuses: Vec<&str> = rows.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(statuses, ["queued", "failed", "succeeded", "succeeded"], "newest first: {rows:?}");
    assert_eq!(rows[1].1, "", "a failed run is charged nothing");
    assert!(rows[2..].iter().all(|(_, c)| c == "2.4"), "{rows:?}");
    session.screenshot("history").await;

    // Resumed, the held run goes and succeeds.
    session.click_on("[data-testid=nav-generate]").await;
    session.click_on("[data-testid=queue-pause]").await;
    session.click_on("[data-testid=nav-history]").await;
    session.click_on("[data-testid=history-refresh]").await;
    let rows = session
        .wait_until(
            "the resumed run in History as succeeded",
            "document.querySelector('[data-testid=history-refresh]').click();
             const rows = [...document.querySelectorAll('[data-testid=history-row]')];
             return rows.length === 4 && rows[0].dataset.status === 'succeeded'
               ? rows.map(r => Number(r.dataset.credits || 0)) : null;",
            Duration::from_secs(90),
        )
        .await;
    let shown: f64 = rows.as_array().expect("credits").iter().filter_map(|c| c.as_f64()).sum();
    assert!((shown - 7.2).abs() < 1e-9, "three succeeded runs of 2.4: {rows}");

    // The chart's bar for today is the sum of the credits shown.
    session.click_on("[data-testid=history-tab-spend]").await;
    let today = session
        .wait_until(
            "today's bar",
            "const bars = [...document.querySelectorAll('[data-testid=spend-bar]')];
             const d = new Date();
             const key = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
             const bar = bars.find(b => b.dataset.day === key);
             return bar ? Number(bar.dataset.credits) : null;",
            Duration::from_secs(20),
        )
        .await;
    assert!((today.as_f64().expect("credits") - shown).abs() < 1e-9, "bar {today} vs rows {shown}");
    session.screenshot("history-spend").await;

    // The failed run, recalled, opens in Generate with the document it sent.
    session.click_on("[data-testid=history-tab-run]").await;
    session.click_on("[data-testid=history-row][data-status=failed]").await;
    session.click_on("[data-testid=history-recall]:not([disabled])").await;
    session
        .wait_until(
            "Generate with the recalled run",
            "const g = document.querySelector('[data-testid=nav-generate]');
             const cards = document.querySelectorAll('.svelte-flow__node');
             return g && g.getAttribute('aria-current') === 'page' && cards.length === 11 ? true : null;",
            Duration::from_secs(20),
        )
        .await;
    session.close().await;
}
