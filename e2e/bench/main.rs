//! UI benchmarks on the real app (WebKitGTK under Xvfb, driven like the e2e journeys). Prints:
//! - Generate: time from dropping a workflow file to its laid-out graph painted, for the largest
//!   corpus workflow beside the 11-node reference (ratio), and frame times while a run is under
//!   way beside the idle page (ratio of p95s).
//! - Gallery: time from opening the Gallery view to the first grid with every visible thumbnail
//!   painted, on 100,000 images beside 1,000 (ratio); frame times while scrolling the 100,000
//!   at 6,000 px/s beside idle; resident memory of all app processes (the app and its WebKit
//!   helpers) beside the same app on the 1,000-image library.
//!
//! Figures, not assertions. Run inside the desktop session:
//! `e2e/desktop-session.sh cargo bench --features custom-protocol --bench ui [-- N] [generate|gallery]`
//! (N images, default 100000; name a part to run only it). The
//! generated libraries are cached under target/ui-bench/.

#[path = "../driver.rs"]
#[allow(dead_code)]
mod driver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use driver::{corpus, Session};
use easel_library::sample::write_sample_image;
use easel_library::Library;
use serde_json::json;

const SAMPLES: usize = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let big: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let only = |part: &str| !args.iter().any(|a| a == "generate" || a == "gallery") || args.iter().any(|a| a == part);
    if only("generate") {
        generate().await;
    }
    if only("gallery") {
        gallery(big).await;
    }
}

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

/// Frame intervals (ms) over `ms` milliseconds, collected in the page with requestAnimationFrame;
/// `scroll` (px per second) scrolls the gallery grid meanwhile.
async fn frames(session: &Session, ms: u64, scroll: f64) -> Vec<f64> {
    let source = "const [ms, speed, done] = arguments;
        const grid = document.querySelector('[data-testid=gallery-scroller]');
        const out = []; let last = performance.now(); const end = last + ms;
        function tick(now) {
            out.push(now - last);
            if (speed && grid) grid.scrollTop += speed * (now - last) / 1000;
            last = now;
            if (now < end) requestAnimationFrame(tick); else done(out.slice(1));
        }
        requestAnimationFrame(tick);";
    let value = session.script_async(source, json!([ms, scroll])).await;
    serde_json::from_value(value).expect("frame list")
}

fn pct(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn median(values: &[f64]) -> f64 {
    pct(values, 0.5)
}

fn describe(label: &str, f: &[f64]) {
    let long = f.iter().filter(|&&x| x > 33.4).count();
    println!(
        "  {label:<28} {:>5} frames  p50 {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms  >33 ms: {long}",
        f.len(),
        median(f),
        pct(f, 0.95),
        pct(f, 1.0)
    );
}

async fn generate() {
    println!("Generate view");
    let largest = corpus("workflows/ui/user_wan21_2pass_116_nodes_workflow_only_png.json");
    let reference = corpus("workflows/api/sd15_txt2img.json");
    // Both files are in the Recent list from the start (as a previous session would leave it);
    // measuring starts once the default workflow is drawn, so no open races the start-up.
    let recent = [largest.display().to_string(), reference.display().to_string()];
    let session = Session::start_prepared("bench-generate", &[("EASEL_DEMO_STEP_MS", "60")], |root| {
        let dir = root.join("config/dev.easel.studio");
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("settings.json"), json!({"recentFiles": recent}).to_string()).expect("settings");
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
    })
    .await;
    session.find("[data-testid=run]", Duration::from_secs(90)).await;
    session
        .wait_until(
            "11 node cards",
            "return document.querySelectorAll('[data-testid^=node-]').length === 11",
            Duration::from_secs(20),
        )
        .await;
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

    // Frames while the reference runs on the demo backend (the page receives node events).
    open_and_paint(&session, &reference, n_small).await;
    let idle = frames(&session, 3_000, 0.0).await;
    session.click_on("[data-testid=run]").await;
    session
        .wait_until(
            "a running node",
            "return !!document.querySelector('[data-state=running]')",
            Duration::from_secs(60),
        )
        .await;
    let running = frames(&session, 3_000, 0.0).await;
    describe("idle (baseline)", &idle);
    describe("while running", &running);
    println!("  ratio p95 running / idle: {:.2}", pct(&running, 0.95) / pct(&idle, 0.95));
    session.close().await;
}

/// A sample library of `n` images, generated and indexed once, reused by later runs.
fn library(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/ui-bench/library-{n}"));
    let index = Library::open(&root).expect("open library");
    if index.counts().expect("counts").images as usize == n {
        return root;
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                write_sample_image(&root, i).expect("sample image");
            });
        }
    });
    index.import_folder(&root, &mut |_| {}).expect("index");
    root
}

/// Milliseconds from clicking Gallery to every visible cell's thumbnail painted.
async fn first_grid(session: &Session) -> f64 {
    let source = "const done = arguments[0];
        const t0 = performance.now();
        document.querySelector('[data-testid=nav-gallery]').click();
        const ready = () => {
            const cells = [...document.querySelectorAll('[data-testid=gallery-cell]')];
            const view = document.querySelector('[data-testid=gallery]')?.getBoundingClientRect();
            const visible = cells.filter(c => { const r = c.getBoundingClientRect(); return view && r.top < view.bottom && r.bottom > view.top; });
            return visible.length > 0 && visible.every(c => { const i = c.querySelector('img'); return i && i.complete && i.naturalWidth > 0; });
        };
        const poll = () => ready()
            ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)))
            : requestAnimationFrame(poll);
        poll();";
    session.script_async(source, json!([])).await.as_f64().expect("ms")
}

/// Resident memory (KiB) of the app and every process below it (WebKit's web and network
/// processes), found through /proc.
fn app_rss_kib() -> u64 {
    let procs: Vec<(u32, u32, String, u64)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let field = |k: &str| status.lines().find(|l| l.starts_with(k)).map(|l| l[k.len()..].trim().to_string());
            let ppid = field("PPid:")?.parse().ok()?;
            let name = field("Name:")?;
            let rss = field("VmRSS:").and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0);
            Some((pid, ppid, name, rss))
        })
        .collect();
    let roots: Vec<u32> = procs.iter().filter(|p| p.2 == "easel-app").map(|p| p.0).collect();
    let mut total = 0;
    let mut frontier = roots;
    while let Some(pid) = frontier.pop() {
        if let Some(p) = procs.iter().find(|p| p.0 == pid) {
            total += p.3;
        }
        frontier.extend(procs.iter().filter(|p| p.1 == pid).map(|p| p.0));
    }
    total
}

async fn gallery_on(n: usize, scroll: bool) -> (f64, Option<(Vec<f64>, Vec<f64>)>, u64) {
    let root = library(n);
    let path = root.display().to_string();
    let session = Session::start_with(&format!("bench-gallery-{n}"), &[("EASEL_LIBRARY", &path)]).await;
    session.find("[data-testid=nav-gallery]", Duration::from_secs(90)).await;
    let first = first_grid(&session).await;
    let mut scrolled = None;
    if scroll {
        let idle = frames(&session, 3_000, 0.0).await;
        let moving = frames(&session, 5_000, 6_000.0).await;
        scrolled = Some((idle, moving));
    }
    let rss = app_rss_kib();
    session.close().await;
    (first, scrolled, rss)
}

async fn gallery(big: usize) {
    println!("Gallery view");
    let (small_first, _, small_rss) = gallery_on(1_000, false).await;
    let (big_first, scrolled, big_rss) = gallery_on(big, true).await;
    println!("  first painted grid, {big} images: {big_first:.0} ms");
    println!("  first painted grid, 1000 images (baseline): {small_first:.0} ms");
    println!("  ratio: {:.2}", big_first / small_first);
    if let Some((idle, moving)) = scrolled {
        describe("idle (baseline)", &idle);
        describe("scrolling 6,000 px/s", &moving);
        println!("  ratio p95 scrolling / idle: {:.2}", pct(&moving, 0.95) / pct(&idle, 0.95));
    }
    println!("  resident memory, all app processes, {big} images: {:.0} MiB", big_rss as f64 / 1024.0);
    println!("  resident memory, 1000 images (baseline): {:.0} MiB", small_rss as f64 / 1024.0);
    println!("  ratio: {:.2}", big_rss as f64 / small_rss as f64);
}
