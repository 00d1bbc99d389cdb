//! The Generate view: time from opening a workflow (from the Recent files menu) to its graph
//! painted, largest corpus workflow beside a 7-node one; then, in a fresh window (which opens on
//! the 11-node reference workflow), frame intervals while ten runs of it progress on the demo
//! (eight at once, the most Settings allow), beside the idle page. To say which part of the
//! window costs what, the running measure is repeated with one part hidden at a time
//! (`display: none` in a constructed style sheet, `RESTYLE`): what a part's hiding saves is
//! what painting and laying it out costs; its script work still runs. Beside each window
//! of frames, the CPU each thread of the app's processes (and of the X server) spent in it, and
//! the time the page's own frame and timer callbacks took (`SCRIPT_PROBE`).

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::driver::{corpus, Session};
use crate::measure::{cpu_ticks, describe, describe_cpu, frames, median, pct};
use crate::Options;

const SAMPLES: usize = 5;
/// Runs started at once for the running measure.
pub const RUNS: u32 = 10;
/// Each measured window of frames.
pub const WINDOW_MS: u64 = 3_000;
/// The app's process name (what /proc calls it: the binary's name, cut to 15 bytes).
const PROGRAM: &str = "easel-app";

/// Milliseconds from choosing `file` in the Recent files menu to the graph of `expected` cards
/// painted (two frames later). The menu, not a simulated drop: a release build does not let the
/// page emit Tauri's drop event (only debug builds grant that, for the e2e journeys), and a file
/// from the recent list is opened by the same command as a dropped one.
async fn open_and_paint(session: &Session, file: &Path, expected: usize) -> f64 {
    let source = "const [path, expected, done] = arguments;
        document.querySelector('[data-testid=recent-toggle]').click();
        const choose = () => {
            const item = [...document.querySelectorAll('[data-testid=recent-menu] button')].find(b => b.title === path);
            if (!item) { requestAnimationFrame(choose); return; }
            const t0 = performance.now();
            const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
            const check = () => document.querySelectorAll('[data-testid^=node-]').length === expected
                && document.querySelector('.svelte-flow__viewport');
            const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); painted(); } });
            observer.observe(document.body, { childList: true, subtree: true });
            item.click();
        };
        requestAnimationFrame(choose);";
    let value = session.script_async(source, json!([file.display().to_string(), expected])).await;
    value.as_f64().expect("elapsed ms")
}

/// CPU ticks of the app's processes and of the X server that shows its window.
pub type Ticks = std::collections::BTreeMap<String, u64>;

pub fn cpu_now() -> Ticks {
    let mut ticks = cpu_ticks(PROGRAM);
    ticks.extend(cpu_ticks("Xvfb"));
    ticks
}

/// Installed once in the running window: wraps `requestAnimationFrame`, `setTimeout` and
/// `setInterval` so each callback's time, with the microtasks it queued (where Svelte applies
/// state, after the runs store's per-frame flush), is added up. Tauri's own message callbacks
/// cannot be wrapped (it defines them read-only); they only hand events to the store, which
/// applies them in the next animation frame. The bench's own frame counter is one tiny callback a
/// frame.
const SCRIPT_PROBE: &str = "if (!window.__benchScript) {
    const p = window.__benchScript = { frame: 0, frames: 0, timer: 0, timers: 0 };
    const timed = (cb, key) => function (...args) {
        const t0 = performance.now();
        try { return cb.apply(this, args); }
        finally { queueMicrotask(() => { p[key] += performance.now() - t0; p[key + 's'] += 1; }); }
    };
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf(timed(cb, 'frame'));
    const st = window.setTimeout.bind(window);
    window.setTimeout = (cb, ms, ...rest) => typeof cb === 'function' ? st(timed(cb, 'timer'), ms, ...rest) : st(cb, ms, ...rest);
    const si = window.setInterval.bind(window);
    window.setInterval = (cb, ms, ...rest) => typeof cb === 'function' ? si(timed(cb, 'timer'), ms, ...rest) : si(cb, ms, ...rest);
}
const p = window.__benchScript; const out = { ...p };
p.frame = 0; p.frames = 0; p.timer = 0; p.timers = 0;
return out;";

/// The page's script time since the last call (which installs the probe), per second of `ms`.
async fn script_line(session: &Session, ms: u64) -> String {
    let v = session.script(SCRIPT_PROBE, json!([])).await;
    let per_s = |key: &str| v[key].as_f64().unwrap_or(0.0) * 1000.0 / ms as f64;
    format!(
        "    page script (ms per second): animation-frame callbacks {:.0} ({:.0} calls/s), timers {:.0} ({:.0} calls/s)",
        per_s("frame"),
        per_s("frames"),
        per_s("timer"),
        per_s("timers")
    )
}

/// Starts a new count of the page's script time.
async fn script_reset(session: &Session) {
    session.script(SCRIPT_PROBE, json!([])).await;
}

/// Parts of the window hidden (or changed) one at a time while runs progress, then the whole page,
/// then every animation and transition: what is left with nothing to lay out or paint is what the
/// page's other work (events, script, WebKit itself) costs. The last row puts back the graph
/// cards' blurred shadow, the cost found and removed in issue 18, to show it in the same run.
pub const PARTS: [(&str, &str); 8] = [
    ("nothing hidden", ""),
    ("graph cards hidden", ".svelte-flow__nodes { display: none !important; }"),
    ("graph panel hidden", ".svelte-flow { display: none !important; }"),
    ("queue panel hidden", "section.queue { display: none !important; }"),
    ("run bar hidden", ".runbar { display: none !important; }"),
    ("whole page hidden", "#app { display: none !important; }"),
    ("all animations off", "*, *::before, *::after { animation: none !important; transition: none !important; }"),
    (
        "cards with the old blurred shadow",
        ".svelte-flow .card { box-shadow: 0 1px 2px rgb(0 0 0 / 40%), 0 4px 14px rgb(0 0 0 / 25%) !important; }",
    ),
];

/// A page function that applies `css` as the page's one constructed style sheet (an empty `css`
/// removes it) and says whether it took: a `<style>` element would be refused by the release
/// build's policy (`style-src 'self'`), silently, as it was before issue 18's fix. Taken when
/// the first rule's element has the rule's `display` (when it sets one). Shared by this part's
/// WebDriver scripts (`restyle`) and the direct part's page script.
pub const RESTYLE: &str = "(css) => {
    const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
    document.adoptedStyleSheets = css ? [sheet] : [];
    const rule = sheet.cssRules[0]; if (!rule) return true;
    const el = document.querySelector(rule.selectorText.split(',')[0]);
    return !el || !rule.style.display || getComputedStyle(el).display === rule.style.display;
  }";

/// Applies `css` in the session's page (see `RESTYLE`); whether it took.
async fn restyle(session: &Session, css: &str) -> bool {
    session.script(&format!("return ({RESTYLE})(arguments[0]);"), json!([css])).await == json!(true)
}

pub async fn run(options: Options) {
    println!("Generate view");
    let largest = corpus("workflows/ui/user_wan21_2pass_116_nodes_workflow_only_png.json");
    let reference = corpus("workflows/api/sd15_txt2img.json");
    // Both files are in the Recent list from the start (as a previous session would leave it);
    // measuring starts once the default workflow is drawn, so no open races the start-up.
    let recent = [largest.display().to_string(), reference.display().to_string()];
    let session = start(options, "bench-generate", &recent).await;
    let count = |file: &Path| -> usize {
        let bytes = std::fs::read(file).expect("corpus file");
        let imported = easel_workflow::Schemas::bundled().import_bytes(&bytes).expect("imports");
        imported.workflow.nodes.len()
    };
    let (n_big, n_small) = (count(&largest), count(&reference));
    let mut big = Vec::new();
    let mut small = Vec::new();
    for _ in 0..SAMPLES {
        small.push(open_and_paint(&session, &reference, n_small).await);
        big.push(open_and_paint(&session, &largest, n_big).await);
    }
    let (b, s) = (median(&big), median(&small));
    println!("  open → graph painted, {n_big} nodes (largest corpus file): median {b:.0} ms (samples {big:.0?})");
    println!("  open → graph painted, {n_small} nodes (baseline):          median {s:.0} ms (samples {small:.0?})");
    println!("  ratio largest / baseline: {:.2}", b / s);

    session.close().await;

    // The running measure on the reference workflow, in a window that opened on it.
    let session = start(options, "bench-running", &recent).await;
    script_reset(&session).await;
    let before = cpu_now();
    let idle = frames(&session, WINDOW_MS, 0.0).await;
    describe("idle (baseline)", &idle);
    describe_cpu(&before, &cpu_now(), WINDOW_MS);
    println!("{}", script_line(&session, WINDOW_MS).await);
    set_count(&session, RUNS).await;
    for (label, css) in PARTS {
        let (running, cpu, script) = while_running(&session, css).await;
        describe(&format!("{RUNS} runs, {label}"), &running);
        describe_cpu(&cpu.0, &cpu.1, WINDOW_MS);
        println!("{}", script);
        if css.is_empty() {
            println!("  ratio p95 running / idle: {:.2}", pct(&running, 0.95) / pct(&idle, 0.95));
        }
    }
    session.close().await;
}

/// Starts the app on the demo at 60 ms a step (`prepare`); returns once the reference
/// workflow's 11 cards are drawn.
async fn start(options: Options, tag: &str, recent: &[String]) -> Session {
    let session = Session::start_program(
        tag,
        &[("EASEL_DEMO_STEP_MS", "60")],
        |root| prepare(options, root, recent),
        env!("CARGO_BIN_EXE_easel-app"),
    )
    .await;
    session.reference_drawn().await;
    session
}

/// Fills a session's folder: `recent` in the Recent files menu, eight runs at once, no cost
/// question for a batch of ten, and the reference's checkpoint mapped.
pub fn prepare(options: Options, root: &Path, recent: &[String]) {
    options.write_settings(root, json!({"concurrency": 8, "confirmAbove": 1000}), recent);
    // The baseline's checkpoint is a file name: mapped, as a person would have, so it runs.
    let library = root.join("library");
    std::fs::create_dir_all(&library).expect("library folder");
    let store = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE)).expect("journal");
    store
        .record_mapping(
            easel_engine::TENSORART_IDS,
            "v1-5-pruned-emaonly.safetensors",
            "600423083519508503",
            "CHECKPOINT",
        )
        .expect("mapping");
}

/// Sets the batch count in the toolbar.
async fn set_count(session: &Session, n: u32) {
    let source = "const [n] = arguments; const input = document.querySelector('[data-testid=batch-count]');
        input.value = String(n); input.dispatchEvent(new Event('change', { bubbles: true })); return true;";
    session.script(source, json!([n])).await;
}

/// Starts a batch, waits until several of its runs progress, measures frames with `css` applied,
/// then cancels the batch and waits for the queue to settle; returns the frames and the CPU
/// ticks before and after them.
async fn while_running(session: &Session, css: &str) -> (Vec<f64>, (Ticks, Ticks), String) {
    restyle(session, "").await;
    session
        .wait_until(
            "Run enabled",
            "const r = document.querySelector('[data-testid=run]'); return r && !r.disabled",
            Duration::from_secs(120),
        )
        .await;
    session.click_on("[data-testid=run]").await;
    session
        .wait_until(
            "several runs progressing",
            "return document.querySelectorAll('[data-testid=queue-item][data-state=running]').length >= 4",
            Duration::from_secs(60),
        )
        .await;
    if !restyle(session, css).await {
        println!("  the style did not take: {css}");
    }
    script_reset(session).await;
    let before = cpu_now();
    let running = frames(session, WINDOW_MS, 0.0).await;
    let cpu = (before, cpu_now());
    let script = script_line(session, WINDOW_MS).await;
    restyle(session, "").await;
    session.click_on("[data-testid=cancel]").await;
    session
        .wait_until(
            "the batch ended",
            "return ![...document.querySelectorAll('[data-testid=queue-item]')].some(i => ['queued','submitted','waiting','running'].includes(i.dataset.state))",
            Duration::from_secs(120),
        )
        .await;
    (running, cpu, script)
}
