//! History benchmark: writes a run journal of N runs (default 100,000) with
//! `easel_engine::sample` (as the pipeline records runs: the reference workflow's document with
//! varied prompts, 20 workflow names, three backends, a status mix with failures and cancels, 90
//! days of times), and a 1,000-run journal
//! beside it as the baseline, then prints for each the time of the first history page and the
//! p50/p95 of filtered pages, searches, counts and the spend ledger. Figures, not assertions.
//! Run: cargo run --release -p easel-engine --example history_bench [N]

use std::path::Path;
use std::time::{Duration, Instant};

use easel_engine::{HistoryFilter, RunStatus, SpendBy, Store};
const REPEATS: usize = 40;
const PAGE: u32 = 200;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/history-bench");
    if base.exists() {
        std::fs::remove_dir_all(&base).expect("clear old bench folder");
    }
    std::fs::create_dir_all(&base).expect("bench folder");
    println!("history benchmark: {n} runs beside 1000, folder {}", base.display());
    let baseline = measure(&base.join("small.sqlite"), 1_000);
    let large = measure(&base.join("large.sqlite"), n);
    println!("\n{:<34} {:>16} {:>16} {:>7}", "query (ms, p50 / p95)", "1000 runs", format!("{n} runs"), "ratio");
    for ((name, small), (_, big)) in baseline.iter().zip(&large) {
        println!(
            "{name:<34} {:>7.2} / {:>6.2} {:>7.2} / {:>6.2} {:>6.2}x",
            ms(small.0),
            ms(small.1),
            ms(big.0),
            ms(big.1),
            big.1.as_secs_f64() / small.1.as_secs_f64().max(1e-9)
        );
    }
}

/// Writes a journal of `n` runs at `path` and times every query kind on it.
fn measure(path: &Path, n: usize) -> Vec<(&'static str, (Duration, Duration))> {
    let t = Instant::now();
    easel_engine::sample::write_journal(path, n).expect("write the journal");
    let size = std::fs::metadata(path).map(|m| m.len() >> 20).unwrap_or(0);
    println!("journal of {n} runs written in {:.1} s ({size} MiB)", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let store = Store::open(path).expect("open journal");
    let first = store.history(&HistoryFilter::default(), None, PAGE).expect("first page");
    println!("  open + first page of {}: {:.1} ms", first.runs.len(), ms(t.elapsed()));
    let after = first.next.clone();
    let kinds: Vec<(&'static str, HistoryFilter)> = vec![
        ("first page", HistoryFilter::default()),
        ("status failed", HistoryFilter { statuses: vec![RunStatus::Failed], ..HistoryFilter::default() }),
        ("workflow name", HistoryFilter { workflow: Some("workflow 7".into()), ..HistoryFilter::default() }),
        ("search one word", HistoryFilter { text: Some("lighthouse".into()), ..HistoryFilter::default() }),
        ("search prefix, typing", HistoryFilter { text: Some("watercolor drag".into()), ..HistoryFilter::default() }),
        (
            "search + status + backend",
            HistoryFilter {
                text: Some("fox".into()),
                statuses: vec![RunStatus::Succeeded],
                backend: Some("https://tams.example".into()),
                ..HistoryFilter::default()
            },
        ),
    ];
    let mut out = Vec::new();
    for (name, filter) in &kinds {
        out.push((*name, time(|| store.history(filter, None, PAGE).expect("page"))));
    }
    out.push(("next page (keyset)", time(|| store.history(&HistoryFilter::default(), after.as_ref(), PAGE))));
    out.push(("count, search", time(|| store.history_count(&kinds[3].1).expect("count"))));
    out.push(("spend by day", time(|| store.spend(SpendBy::Day, None).expect("spend"))));
    out.push(("spend by workflow", time(|| store.spend(SpendBy::Workflow, None).expect("spend"))));
    // Caps set (and not reached), so the check reads the ledger as a run's start does.
    store.set_spend_caps(easel_engine::SpendCaps { daily: Some(1e8), monthly: Some(1e8) }).expect("caps");
    out.push(("cap check (daily + monthly)", time(|| store.cap_breach(2.4).expect("cap"))));
    out
}

/// p50 and p95 of `REPEATS` calls.
fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[REPEATS / 2], times[REPEATS * 95 / 100])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
