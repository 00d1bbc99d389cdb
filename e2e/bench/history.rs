//! The History view: time from clicking History to the first rows painted (a fresh window each
//! sample, so it is the view's first load), then in that window the time from a search keystroke
//! or a status click to the new rows painted, on a journal of N runs beside 1,000 runs. The
//! journals are written by `easel_engine::sample` into `target/ui-bench/history-N/`, once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use easel_engine::{HistoryFilter, Store, DATABASE_FILE};
use serde_json::json;

use crate::driver::Session;
use crate::measure::pct;
use crate::Options;

/// Timed fresh windows per journal for the first paint.
const FIRST_SAMPLES: usize = 3;
/// Searches and status clicks per journal.
const CHANGES: usize = 20;
/// What is typed: whole words, two words, and a word still being typed (a prefix).
const TERMS: [&str; 6] = ["lighthouse", "watercolor fox", "castle", "anime rob", "samurai", "oil painting"];

/// A library folder whose journal holds `n` sample runs (made once, reused).
fn library(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/ui-bench/history-{n}"));
    let journal = root.join(DATABASE_FILE);
    let held = Store::open(&journal).and_then(|s| s.history_count(&HistoryFilter::default()));
    if held.ok() != Some(n as u64) {
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("clear the old journal");
        }
        std::fs::create_dir_all(&root).expect("library folder");
        easel_engine::sample::write_journal(&journal, n).expect("sample journal");
    }
    root
}

/// The page-side test for "the list shows its rows": at least one row, none still loading, the
/// count known, and (for a change) a new filter's epoch.
const READY: &str = "const ready = (epoch) => {
        const list = document.querySelector('[data-testid=history-list]');
        if (!list || (epoch !== null && list.dataset.epoch === epoch)) return false;
        const counted = document.querySelector('[data-testid=history-count]')?.dataset.counted === 'true';
        const rows = document.querySelectorAll('[data-testid=history-row]').length;
        const empty = document.querySelector('[data-testid=history-empty]');
        const loading = document.querySelectorAll('[data-testid=history-row-loading]').length;
        return counted && loading === 0 && (rows > 0 || empty !== null);
    };";

/// Milliseconds from clicking History to its first rows painted.
async fn first_paint(session: &Session) -> f64 {
    let source = format!(
        "{READY}
        const done = arguments[0];
        const t0 = performance.now();
        document.querySelector('[data-testid=nav-history]').click();
        const poll = () => ready(null)
            ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)))
            : requestAnimationFrame(poll);
        poll();"
    );
    session.script_async(&source, json!([])).await.as_f64().expect("ms")
}

/// Milliseconds from a change (`search` types `term`, else the Failed status is clicked) to the
/// new rows painted: [from the input, from the moment the new filter's load began]. A search
/// waits for the view's pause after typing; the second figure leaves that pause out.
async fn change(session: &Session, search: bool, term: &str) -> (f64, f64) {
    let source = format!(
        "{READY}
        const [search, term, done] = arguments;
        const list = document.querySelector('[data-testid=history-list]');
        const epoch = list.dataset.epoch;
        let began = null;
        const t0 = performance.now();
        if (search) {{
            const input = document.querySelector('[data-testid=history-search]');
            input.value = term;
            input.dispatchEvent(new Event('input', {{ bubbles: true }}));
        }} else {{
            document.querySelector('[data-testid=history-filter-status] [data-status=failed]').click();
        }}
        const poll = () => {{
            if (began === null && list.dataset.epoch !== epoch) began = performance.now();
            if (!ready(epoch)) {{ requestAnimationFrame(poll); return; }}
            requestAnimationFrame(() => requestAnimationFrame(() => {{
                const end = performance.now();
                done([end - t0, end - (began ?? t0)]);
            }}));
        }};
        poll();"
    );
    let value = session.script_async(&source, json!([search, term])).await;
    let pair: [f64; 2] = serde_json::from_value(value).expect("two durations");
    (pair[0], pair[1])
}

async fn open(options: Options, root: &Path, n: usize) -> Session {
    let path = root.display().to_string();
    let session = Session::start_program(
        &format!("bench-history-{n}"),
        &[("EASEL_LIBRARY", &path)],
        |dir| options.write_settings(dir, json!({}), &[]),
        env!("CARGO_BIN_EXE_easel-app"),
    )
    .await;
    session.find("[data-testid=nav-history]", Duration::from_secs(90)).await;
    session
}

/// Search and status timings in one window: (keystroke → painted, load → painted, status click).
async fn changes(options: Options, root: &Path, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let session = open(options, root, n).await;
    first_paint(&session).await;
    let (mut key, mut load, mut status) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..CHANGES {
        let (k, l) = change(&session, true, TERMS[i % TERMS.len()]).await;
        key.push(k);
        load.push(l);
    }
    change(&session, true, "").await;
    for _ in 0..CHANGES {
        status.push(change(&session, false, "").await.0);
    }
    session.close().await;
    (key, load, status)
}

fn line(label: &str, big: &[f64], small: &[f64], p: f64) {
    let (b, s) = (pct(big, p), pct(small, p));
    println!("  {label:<52} {s:>7.0} ms {b:>9.0} ms {:>7.2}", b / s);
}

pub async fn run(options: Options, big: usize) {
    println!("History view");
    let sizes = [1_000, big];
    let roots = sizes.map(library);
    // Fresh windows, the two journals alternately after one untimed start each (file cache warm).
    let mut first: [Vec<f64>; 2] = Default::default();
    for round in 0..=FIRST_SAMPLES {
        for (i, (root, &n)) in roots.iter().zip(&sizes).enumerate() {
            let session = open(options, root, n).await;
            let ms = first_paint(&session).await;
            session.close().await;
            if round > 0 {
                first[i].push(ms);
            }
        }
    }
    let small = changes(options, &roots[0], sizes[0]).await;
    let large = changes(options, &roots[1], sizes[1]).await;
    println!("  {:<52} {:>10} {:>12} {:>7}", "measure", "1000 runs", format!("{big} runs"), "ratio");
    line("click History → first rows painted, median", &first[1], &first[0], 0.5);
    line("search keystroke → rows painted, p95 (with the pause)", &large.0, &small.0, 0.95);
    line("search load → rows painted, p95 (pause left out)", &large.1, &small.1, 0.95);
    line("search load → rows painted, median", &large.1, &small.1, 0.5);
    line("status click → rows painted, p95", &large.2, &small.2, 0.95);
    line("status click → rows painted, median", &large.2, &small.2, 0.5);
    println!("  first paint samples: 1000 {:.0?}, {big} {:.0?}", first[0], first[1]);
}
