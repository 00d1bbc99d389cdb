//! Frames while ten runs progress, measured without WebDriver: the app is started directly
//! (built with the `bench` feature) and a script injected into its page (`bench_probe.rs`) does
//! what the Generate part's WebDriver session does, from inside: waits for the reference graph,
//! sets a batch of ten, clicks Run, counts frames with requestAnimationFrame, cancels. The first
//! running window is measured twice, once counting frames and once with nothing in the page at
//! all (only the CPU read from /proc), so what the frame counter itself costs is seen too; then
//! one window for each of the Generate part's `PARTS` (a part hidden, or the old card shadow put
//! back), each in a fresh batch. The page reports the start and end of each window as one JSON
//! line; the CPU is read here at each.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::driver::tempfile_dir;
use crate::generate::{cpu_now, prepare, PARTS, RESTYLE, RUNS, WINDOW_MS};
use crate::measure::{describe, describe_cpu, pct};
use crate::Options;

/// The whole probe, start to its last report; past it the part gives up.
const LIMIT: Duration = Duration::from_secs(600);

/// The page's side. `__WINDOW_MS__`, `__RUNS__`, `__PARTS__` and `__RESTYLE__` are filled in
/// before it is written.
const PAGE_SCRIPT: &str = r#"(() => {
  if (window.top !== window || window.__benchProbe) return;
  window.__benchProbe = true;
  const WINDOW = __WINDOW_MS__, RUNS = __RUNS__, PARTS = __PARTS__;
  // Script time in the page's frame and timer callbacks, each with the microtasks it queued
  // (where Svelte applies the runs store's per-frame flush). Tauri's message callbacks cannot be
  // wrapped (read-only); they only hand events to that store.
  const spent = { page: 0, pageCalls: 0 };
  const timed = (cb, key) => function (...args) {
    const t0 = performance.now();
    try { return cb.apply(this, args); }
    finally { queueMicrotask(() => { spent[key] += performance.now() - t0; spent[key + 'Calls'] += 1; }); }
  };
  for (const name of ['requestAnimationFrame', 'setTimeout', 'setInterval']) {
    const original = window[name].bind(window);
    window[name] = (cb, ...rest) => original(typeof cb === 'function' ? timed(cb, 'page') : cb, ...rest);
  }
  const emit = (what, data) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit',
    { event: 'bench://report', payload: { what, data: data ?? null } });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (what, test, ms) => {
    const end = performance.now() + ms;
    while (!test()) { if (performance.now() > end) throw new Error('timed out waiting for ' + what); await sleep(100); }
  };
  const frames = (ms) => new Promise((done) => {
    const out = []; let last = performance.now(); const end = last + ms;
    const tick = (now) => { out.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else done(out.slice(1)); };
    requestAnimationFrame(tick);
  });
  // What the page asked of WebKit meanwhile: DOM changes, and the resources it loaded (the
  // library's images and thumbnails among them).
  performance.setResourceTimingBufferSize(100000);
  let mutations = 0;
  const observer = new MutationObserver((records) => { mutations += records.length; });
  const observe = () => observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.body) observe(); else document.addEventListener('DOMContentLoaded', observe);
  // A part's style as a constructed sheet (the Generate part's `RESTYLE`); whether it took is
  // reported with the window.
  const restyle = __RESTYLE__;
  const measure = async (name, counted, css = '') => {
    const took = restyle(css);
    await emit('start', name);
    for (const k in spent) spent[k] = 0;
    mutations = 0;
    const loaded = performance.getEntriesByType('resource').length;
    const list = counted ? await frames(WINDOW) : (await sleep(WINDOW), null);
    const fresh = performance.getEntriesByType('resource').slice(loaded).map((r) => r.name);
    const kind = (part) => fresh.filter((n) => n.includes(part)).length;
    const asked = { mutations, resources: fresh.length, images: kind('image/'), thumbs: kind('thumb/') };
    restyle('');
    await emit('end', { name, frames: list, script: { ...spent }, asked, took });
  };
  const run = () => document.querySelector('[data-testid=run]');
  const busy = () => [...document.querySelectorAll('[data-testid=queue-item]')]
    .some((i) => ['queued', 'submitted', 'waiting', 'running'].includes(i.dataset.state));
  const main = async () => {
    await until('the reference graph', () => document.querySelectorAll('[data-testid^=node-]').length === 11 && run() && !run().disabled, 90000);
    await sleep(1000);
    await measure('idle, frames counted (baseline)', true);
    await measure('idle, nothing counted', false);
    const count = document.querySelector('[data-testid=batch-count]');
    count.value = String(RUNS); count.dispatchEvent(new Event('change', { bubbles: true }));
    const windows = [[PARTS[0][0] + ', frames counted', '', true], [PARTS[0][0] + ', nothing counted', '', false],
      ...PARTS.slice(1).map(([name, css]) => [name, css, true])];
    for (const [name, css, counted] of windows) {
      await until('Run enabled', () => run() && !run().disabled, 120000);
      run().click();
      await until('several runs progressing', () => document.querySelectorAll('[data-testid=queue-item][data-state=running]').length >= 4, 60000);
      await measure(RUNS + ' runs, ' + name, counted, css);
      document.querySelector('[data-testid=cancel]').click();
      await until('the batch ended', () => !busy(), 120000);
    }
    await emit('done');
  };
  const start = () => main().catch((e) => emit('failed', String(e)));
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();"#;

pub async fn run(options: Options) {
    println!("Generate view, ten runs, without WebDriver (the app started directly, a page probe)");
    if crate::EMPTY_WINDOW.is_none() {
        println!("  skipped: built without the probe (add --features bench)");
        return;
    }
    let root = tempfile_dir::Dir::new("bench-direct");
    prepare(options, root.path(), &[]);
    let script = root.path().join("probe.js");
    let report = root.path().join("report.jsonl");
    let parts = serde_json::to_string(&PARTS).expect("parts as JSON");
    let source = PAGE_SCRIPT
        .replace("__WINDOW_MS__", &WINDOW_MS.to_string())
        .replace("__RUNS__", &RUNS.to_string())
        .replace("__PARTS__", &parts)
        .replace("__RESTYLE__", RESTYLE);
    std::fs::write(&script, source).expect("probe script");
    let mut app = launch(root.path(), &script, &report);
    follow(&report).await;
    // The app has nothing to save that this part needs; its web processes end with it.
    if let Err(e) = app.kill().and_then(|()| app.wait().map(drop)) {
        println!("  could not end the app: {e}");
    }
}

fn launch(root: &Path, script: &Path, report: &Path) -> std::process::Child {
    let log = std::fs::File::create(root.join("app.log")).expect("app.log");
    Command::new(env!("CARGO_BIN_EXE_easel-app"))
        .envs(crate::driver::folders(root))
        .env("EASEL_DEMO_STEP_MS", "60")
        .env("EASEL_BENCH_PAGE_SCRIPT", script)
        .env("EASEL_BENCH_REPORT", report)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start the app")
}

/// What `file` holds past byte `from` (nothing while it does not exist yet).
fn appended(file: &Path, from: u64) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut out = Vec::new();
    let read =
        std::fs::File::open(file).and_then(|mut f| f.seek(SeekFrom::Start(from)).and_then(|_| f.read_to_end(&mut out)));
    if read.is_err() {
        out.clear();
    }
    out
}

/// Reads the page's reports as they come, the CPU at each window's start and end, and prints
/// each window; bounded by `LIMIT`.
async fn follow(report: &Path) {
    let deadline = Instant::now() + LIMIT;
    // Only what was appended since the last look is read, and only whole lines.
    let mut read = 0;
    let mut opened = None;
    let mut idle = None;
    while Instant::now() < deadline {
        let text = appended(report, read);
        let whole = text.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
        let fresh = String::from_utf8_lossy(&text[..whole]).into_owned();
        read += whole as u64;
        for line in fresh.lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                println!("  an unreadable report: {line}");
                continue;
            };
            match message["what"].as_str() {
                Some("start") => opened = Some((cpu_now(), Instant::now())),
                Some("end") => {
                    let Some((before, at)) = opened.take() else { continue };
                    let (after, ms) = (cpu_now(), at.elapsed().as_millis() as u64);
                    let name = message["data"]["name"].as_str().unwrap_or("?");
                    match serde_json::from_value::<Vec<f64>>(message["data"]["frames"].clone()) {
                        Ok(frames) => {
                            describe(name, &frames);
                            // The first counted window is the idle baseline.
                            match idle {
                                None => idle = Some(pct(&frames, 0.95)),
                                Some(base) => println!("  ratio p95 running / idle: {:.2}", pct(&frames, 0.95) / base),
                            }
                        }
                        Err(_) => println!("  {name}"),
                    }
                    if message["data"]["took"] == Value::Bool(false) {
                        println!("    the part's style did not take");
                    }
                    describe_cpu(&before, &after, ms);
                    let script = &message["data"]["script"];
                    let per_s = |key: &str| script[key].as_f64().unwrap_or(0.0) * 1000.0 / ms as f64;
                    println!(
                        "    page script (ms per second): frame and timer callbacks {:.0} ({:.0} calls/s)",
                        per_s("page"),
                        per_s("pageCalls")
                    );
                    let asked = &message["data"]["asked"];
                    let per_s = |key: &str| asked[key].as_f64().unwrap_or(0.0) * 1000.0 / ms as f64;
                    println!(
                        "    page asked (per second): {:.0} DOM changes, {:.0} resources loaded ({:.0} full-size images, {:.0} thumbnails)",
                        per_s("mutations"),
                        per_s("resources"),
                        per_s("images"),
                        per_s("thumbs")
                    );
                }
                Some("done") => return,
                Some("failed") => {
                    println!("  the probe failed: {}", message["data"]);
                    return;
                }
                _ => println!("  an unknown report: {line}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("  no end within {} s", LIMIT.as_secs());
}
