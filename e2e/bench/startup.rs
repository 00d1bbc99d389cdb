//! Start-up and idle memory of the app beside an empty Tauri 2 window (`e2e/bench/empty_window.rs`,
//! same crate, profile and features), each launched by tauri-driver the same way, alternately.
//! Start is measured from the session request (tauri-driver then launches the program) to the
//! page's first contentful paint (the app's is index.html's shell, `ui/src/lib/app/shell.ts`), and
//! for the app also to the app mounted over that shell and to its first useful frame (the
//! reference graph drawn, Run enabled). The file cache is warm: every program ran once before
//! timing. Then the app's idle memory alone, with its page's script never run, with no workflow
//! open, with the reference workflow cut to its first 0 and 3 nodes, and with JavaScriptCore's
//! JITs off (`VARIANTS`), which says where the gap to the empty window is.

use std::time::Duration;

use serde_json::{json, Value};

use crate::driver::Session;
use crate::measure::{describe_ms, memory_by_process, memory_kib, mib};
use crate::Options;

/// Samples of each program. The empty window's start varies up to 2× within one run on this VM,
/// so three (as before) did not settle a median; each pair takes about 30 s.
const SAMPLES: usize = 7;
/// How long each program idles before its memory is read.
const IDLE: Duration = Duration::from_secs(5);
/// Samples of each memory-only variant: their spread is under 1 MiB.
const VARIANT_SAMPLES: usize = 3;
/// Injected by the "page stopped" variant before any page script: the page stops loading, so
/// the app's script never runs (the window stays blank) and the app's backend idles alone.
const STOP_PAGE: &str = "if (window.top === window) window.stop();";
/// Injected by the "no workflow" variant: the page's call for the reference workflow is
/// answered with an error before it leaves (Tauri sends a command as a `fetch` of
/// `ipc://localhost/<command>`), so the app shows its window with no graph and no parameters.
const NO_WORKFLOW: &str = "if (window.top === window) { const fetch = window.fetch;
    window.fetch = function (url) { return String(url).endsWith('/open_default_workflow')
        ? Promise.resolve(new Response(JSON.stringify({ code: 'io', message: 'bench: no workflow' }),
            { status: 400, headers: { 'Content-Type': 'application/json', 'Tauri-Response': 'error' } }))
        : fetch.apply(this, arguments); }; }";
/// Injected by the "first nodes" variants: the reference workflow arrives with only its first `$n`
/// nodes (links to the others dangle) and the form fields of those alone, so the graph and the
/// form draw that many. The page marks that it rewrote the answer: should the rewrite fail,
/// Tauri would resend the call another way and the whole workflow would open unnoticed.
macro_rules! first_nodes {
    ($n:literal) => {
        concat!(
            "if (window.top === window) { const fetch = window.fetch;
    window.fetch = async function (url) { const answer = await fetch.apply(this, arguments);
        if (!String(url).endsWith('/open_default_workflow') || !answer.ok) return answer;
        const opened = await answer.json(); opened.doc.nodes = opened.doc.nodes.slice(0, ",
            $n,
            "); const kept = new Set(opened.doc.nodes.map((node) => node.id));
        opened.fields = opened.fields.filter((field) => kept.has(field.nodeId));
        window.__easelBenchNodes = opened.doc.nodes.length;
        return new Response(JSON.stringify(opened), { status: answer.status, headers: answer.headers }); }; }"
        )
    };
}
/// The page's sign that a "first nodes" variant drew exactly `$n` cards.
macro_rules! drew_nodes {
    ($n:literal) => {
        concat!(
            "return window.__easelBenchNodes === ",
            $n,
            " && !!document.querySelector('.svelte-flow') && !!document.querySelector('[data-testid=run]')
                && document.querySelectorAll('[data-testid^=node-]').length === ",
            $n
        )
    };
}
/// The reference graph drawn: what the variants that open it wait for before idling.
const GRAPH_DRAWN: &str = "return document.querySelectorAll('[data-testid^=node-]').length === 11";

/// One memory-only variant of the app: what it shows, the script its page gets before its own
/// (if any), its processes' environment, and the page's sign that it is up (none: a stopped page
/// never finishes loading).
type Variant = (&'static str, Option<&'static str>, &'static [(&'static str, &'static str)], Option<&'static str>);

/// The app's memory-only variants.
const VARIANTS: [Variant; 6] = [
    ("page's script never run (window blank)", Some(STOP_PAGE), &[], None),
    (
        "no workflow open (no graph, no parameters)",
        Some(NO_WORKFLOW),
        &[],
        Some("return !!document.querySelector('[data-testid=error-banner]') && !!document.querySelector('[data-testid=run]')"),
    ),
    ("workflow open with 0 of its 11 nodes (graph and form empty)", Some(first_nodes!(0)), &[], Some(drew_nodes!(0))),
    ("workflow open with 3 of its 11 nodes", Some(first_nodes!(3)), &[], Some(drew_nodes!(3))),
    ("JavaScript JIT off (JSC_useJIT=0)", None, &[("JSC_useJIT", "0")], Some(GRAPH_DRAWN)),
    ("optimising JIT off (JSC_useDFGJIT=0)", None, &[("JSC_useDFGJIT", "0")], Some(GRAPH_DRAWN)),
];

struct Sample {
    /// From the session request to the page's navigation start (`performance.timeOrigin`): the
    /// program's own start, its window and WebKit's processes, before any page script.
    navigation: f64,
    first_paint: Option<f64>,
    /// The app mounted over the shell (`easel:mounted`); `None` for the empty window.
    mounted: Option<f64>,
    ready: f64,
    pss: u64,
    rss: u64,
}

/// What is started: the app, or the empty window.
#[derive(Clone, Copy, PartialEq)]
enum Program {
    App,
    Empty,
}

pub async fn run(options: Options) {
    println!("Start-up and idle memory");
    if crate::EMPTY_WINDOW.is_none() {
        println!("  skipped: built without the baseline (add --features bench)");
        return;
    }
    let programs = [Program::App, Program::Empty];
    // One untimed start each, so all are measured with a warm file cache.
    // The app's also shows where its page's main thread was busy before the first paint (a probe
    // that could shift the figures, so only in this untimed start).
    for program in programs {
        sample(options, program, true).await;
    }
    let mut samples: [Vec<Sample>; 2] = Default::default();
    for _ in 0..SAMPLES {
        for (i, program) in programs.into_iter().enumerate() {
            samples[i].push(sample(options, program, false).await);
        }
    }
    let [ours, base] = &samples;
    let paint = |s: &[Sample]| s.iter().filter_map(|s| s.first_paint).collect::<Vec<_>>();
    let ready = |s: &[Sample]| s.iter().map(|s| s.ready).collect::<Vec<_>>();
    let navigation = |s: &[Sample]| s.iter().map(|s| s.navigation).collect::<Vec<_>>();
    describe_ms("easel: start → page navigation starts", &navigation(ours));
    describe_ms("empty window: start → page navigation starts", &navigation(base));
    describe_ms("easel: start → first contentful paint", &paint(ours));
    let mounted = ours.iter().filter_map(|s| s.mounted).collect::<Vec<_>>();
    describe_ms("easel: start → app mounted over the shell", &mounted);
    describe_ms("easel: start → reference graph drawn", &ready(ours));
    describe_ms("empty window: start → first paint (baseline)", &paint(base));
    let (a, b) = (crate::measure::median(&paint(ours)), crate::measure::median(&paint(base)));
    println!("  ratio first paint easel / empty: {:.2}", a / b);
    println!("  ratio graph drawn / empty first paint: {:.2}", crate::measure::median(&ready(ours)) / b);
    let pss = |s: &[Sample]| crate::measure::median(&s.iter().map(|s| s.pss as f64).collect::<Vec<_>>()) as u64;
    let rss = |s: &[Sample]| crate::measure::median(&s.iter().map(|s| s.rss as f64).collect::<Vec<_>>()) as u64;
    for (what, s) in [("easel", ours), ("empty window (baseline)", base)] {
        println!("  idle memory, all processes, median: {what}: PSS {:.0} MiB (RSS {:.0})", mib(pss(s)), mib(rss(s)));
    }
    println!(
        "  ratio idle PSS easel / empty: {:.2} (RSS {:.2})",
        pss(ours) as f64 / pss(base) as f64,
        rss(ours) as f64 / rss(base) as f64
    );
    println!("  where the gap is (the app only, memory, {VARIANT_SAMPLES} samples each):");
    for (what, script, env, ready) in VARIANTS {
        let mut seen = Vec::new();
        for _ in 0..VARIANT_SAMPLES {
            seen.push(variant_pss(options, script, env, ready).await as f64);
        }
        let median = crate::measure::median(&seen) as u64;
        println!(
            "    easel, {what}: PSS {:.0} MiB, {:.2}× the empty window",
            mib(median),
            median as f64 / pss(base) as f64
        );
    }
}

/// Idle PSS of all the app's processes in one memory-only variant: started like the measured
/// starts, its page given `script` before its own, its processes `env`, idling once `ready`.
async fn variant_pss(options: Options, script: Option<&str>, env: &[(&str, &str)], ready: Option<&str>) -> u64 {
    let script_file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("startup-variant.js");
    let script_path = script_file.display().to_string();
    let mut env = env.to_vec();
    if let Some(script) = script {
        std::fs::write(&script_file, script).expect("variant script");
        env.push(("EASEL_BENCH_PAGE_SCRIPT", script_path.as_str()));
    }
    let session = Session::start_program(
        "bench-start-variant",
        &env,
        |root| options.write_settings(root, json!({}), &[]),
        env!("CARGO_BIN_EXE_easel-app"),
    )
    .await;
    if let Some(ready) = ready {
        session.wait_until("the variant's window", ready, Duration::from_secs(90)).await;
    }
    tokio::time::sleep(IDLE).await;
    let each = memory_by_process("easel-app");
    let shown: Vec<String> = each.iter().map(|(p, pss, _)| format!("{p} {:.0}", mib(*pss))).collect();
    println!("      PSS MiB per process: {}", shown.join(", "));
    session.close().await;
    each.iter().map(|(_, pss, _)| pss).sum()
}

/// Injected into the untimed start's page before its own script: a chain of zero-delay timers
/// whose gaps are the main thread's busy spans, and the first animation frames, until 3 s.
const BUSY_PROBE: &str = "(() => { if (window.top !== window) return;
    const t = window.__benchStart = { busy: [], frames: [] }; let last = performance.now();
    const tick = () => { const now = performance.now(); if (now - last > 20) t.busy.push([last, now]); last = now;
        if (now < 3000) setTimeout(tick, 0); };
    setTimeout(tick, 0);
    const frame = (now) => { t.frames.push(now); if (t.frames.length < 12) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    document.addEventListener('DOMContentLoaded', () => { const t0 = performance.now();
        const all = document.querySelectorAll('body *'); for (const el of all) void getComputedStyle(el).color;
        const t1 = performance.now();
        void document.body.offsetHeight; t.layout = [t0, t1, performance.now(), all.length]; queueMicrotask(() => { t.microtasks = performance.now(); }); }); })();";

async fn sample(options: Options, program: Program, probe: bool) -> Sample {
    let (path, name) = match program {
        Program::Empty => (crate::EMPTY_WINDOW.unwrap_or_default(), "empty-window"),
        Program::App => (env!("CARGO_BIN_EXE_easel-app"), "easel-app"),
    };
    let is_app = program != Program::Empty;
    let probe_file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("startup-probe.js");
    let probe_path = probe_file.display().to_string();
    let env: Vec<(&str, &str)> = match program {
        Program::Empty => vec![("EMPTY_WINDOW_RENDERING", options.rendering.unwrap_or("auto"))],
        Program::App if probe => {
            std::fs::write(&probe_file, BUSY_PROBE).expect("probe script");
            vec![("EASEL_BENCH_PAGE_SCRIPT", probe_path.as_str())]
        }
        Program::App => Vec::new(),
    };
    let session = Session::start_program(
        &format!("bench-start-{name}"),
        &env,
        |root| options.write_settings(root, json!({}), &[]),
        path,
    )
    .await;
    // The page's own paint timing is the unbiased figure for both programs. The app's first
    // useful frame is polled in the page per animation frame (it comes seconds after the script
    // starts, so the poll adds at most one frame).
    session.wait_until("a loaded page", "return document.readyState !== 'loading'", Duration::from_secs(90)).await;
    let ready = if is_app {
        "() => document.querySelectorAll('[data-testid^=node-]').length === 11 && !!document.querySelector('[data-testid=run]')"
    } else {
        "() => true"
    };
    let source = format!(
        "const done = arguments[0]; const ready = {ready};
        const poll = () => ready()
            ? requestAnimationFrame(() => {{
                const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
                const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
                const nav = performance.getEntriesByType('navigation')[0];
                const page = {{ 'html received': nav ? nav.responseEnd : null, 'bundle starts': mark('easel:boot'),
                    'modules evaluated': mark('easel:modules-evaluated'), 'app mounted': mark('easel:mounted'),
                    'DOMContentLoaded': nav ? nav.domContentLoadedEventStart : null,
                    'load event': nav ? nav.loadEventStart : null,
                    'first contentful paint': fcp ? fcp.startTime : null }};
                done([performance.timeOrigin, fcp ? fcp.startTime : null, performance.now(), page, mark('easel:mounted')]);
            }})
            : requestAnimationFrame(poll);
        poll();"
    );
    let value: Value = session.script_async(&source, json!([])).await;
    let origin = value[0].as_f64().expect("timeOrigin");
    let first_paint = value[1].as_f64().map(|t| origin + t - session.requested_at_ms);
    let mounted = value[4].as_f64().map(|t| origin + t - session.requested_at_ms);
    let ready = origin + value[2].as_f64().expect("now") - session.requested_at_ms;
    let navigation = origin - session.requested_at_ms;
    if is_app {
        // Where the page's own part goes: each step in ms from navigation start.
        let steps: Vec<String> = value[3]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(step, at)| Some(format!("{step} {:.0}", at.as_f64()?)))
            .collect();
        println!("    {name}: page, ms after navigation starts: {}", steps.join(", "));
    }
    if probe && is_app {
        let seen = session.script("return window.__benchStart ?? null", json!([])).await;
        let spans: Vec<String> = seen["busy"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| Some(format!("{:.0}–{:.0}", s[0].as_f64()?, s[1].as_f64()?)))
            .collect();
        let frames: Vec<String> = seen["frames"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| Some(format!("{:.0}", f.as_f64()?)))
            .collect();
        println!("    {name} (probed start): main thread busy over 20 ms at {}", spans.join(", "));
        println!("    {name} (probed start): first animation frames at {}", frames.join(", "));
        println!(
            "    {name} (probed start): at DOMContentLoaded, styles of all {} elements forced {:.0}–{:.0}, layout forced until {:.0}, its microtasks done by {:.0}",
            seen["layout"][3],
            seen["layout"][0].as_f64().unwrap_or(f64::NAN),
            seen["layout"][1].as_f64().unwrap_or(f64::NAN),
            seen["layout"][2].as_f64().unwrap_or(f64::NAN),
            seen["microtasks"].as_f64().unwrap_or(f64::NAN)
        );
    }
    tokio::time::sleep(IDLE).await;
    let (pss, rss) = memory_kib(name);
    let each: Vec<String> = memory_by_process(name)
        .iter()
        .map(|(p, pss, rss)| format!("{p} {:.0} ({:.0})", mib(*pss), mib(*rss)))
        .collect();
    println!("    {name}: PSS (RSS) MiB per process: {}", each.join(", "));
    session.close().await;
    Sample { navigation, first_paint, mounted, ready, pss, rss }
}
