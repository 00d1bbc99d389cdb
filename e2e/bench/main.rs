//! UI benchmarks on the real app (WebKitGTK under Xvfb, driven like the e2e journeys). Prints:
//! - Start-up: cold start to first paint and idle memory (PSS and RSS of all processes) of the
//!   app beside an empty Tauri 2 window built the same way (`bench` feature); then the app's
//!   idle memory with its page's script never run and with JavaScriptCore's JITs off.
//! - Generate: time from opening a workflow to its laid-out graph painted, for the largest
//!   corpus workflow beside a 7-node one (ratio); frame times while ten runs progress beside the
//!   idle page (ratio of p95s), and the same with one part of the window hidden at a time, which
//!   says what each part costs.
//! - Direct: the same ten runs' frames and CPU without WebDriver, the app started directly and a
//!   script injected into its page (`bench` feature), each window also measured with no frame
//!   counter in the page.
//! - Gallery: time from opening the Gallery view to the first grid with every visible thumbnail
//!   painted, on 100,000 images beside 1,000 (ratio); frame times while scrolling the 100,000
//!   at 6,000 px/s beside idle; memory beside the same app on the 1,000-image library.
//! - History: time from opening the History view to its first rows painted, and from a search
//!   keystroke or a status click to the new rows, on a journal of N runs beside 1,000 runs.
//!
//! Figures, not assertions. Run inside the desktop session:
//! `e2e/desktop-session.sh cargo bench --features custom-protocol,bench --bench ui
//! [-- N] [startup|generate|direct|gallery|history] [accelerated|software]` (N images or runs, default
//! 100000; name parts to run only them; `accelerated` or `software` writes that rendering
//! setting, otherwise the app decides). The generated libraries and journals are cached under
//! target/ui-bench/.

mod direct;
#[path = "../driver.rs"]
#[allow(dead_code)]
mod driver;
mod gallery;
mod generate;
mod history;
mod measure;
mod startup;

use std::path::Path;

use serde_json::json;

/// The empty window, when the benchmark was built with the `bench` feature (which also builds
/// the app's page probe).
pub const EMPTY_WINDOW: Option<&str> = option_env!("CARGO_BIN_EXE_empty-window");

/// The rendering setting every benchmarked session starts with (none: the app's own choice).
#[derive(Clone, Copy)]
pub struct Options {
    pub rendering: Option<&'static str>,
}

impl Options {
    /// Writes the settings file a session starts with: `settings` plus the rendering choice.
    pub fn write_settings(&self, root: &Path, mut settings: serde_json::Value, recent: &[String]) {
        if let Some(rendering) = self.rendering {
            settings["rendering"] = json!(rendering);
        }
        let dir = root.join("config/dev.easel.studio");
        std::fs::create_dir_all(&dir).expect("config dir");
        let file = json!({"settings": settings, "recentFiles": recent});
        std::fs::write(dir.join("settings.json"), file.to_string()).expect("settings");
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let big: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let parts = ["startup", "generate", "direct", "gallery", "history"];
    let only = |part: &str| !args.iter().any(|a| parts.contains(&a.as_str())) || args.iter().any(|a| a == part);
    let rendering = ["accelerated", "software"].into_iter().find(|r| args.iter().any(|a| a == r));
    let options = Options { rendering };
    println!("rendering setting: {}", rendering.unwrap_or("auto (the app decides)"));
    if only("startup") {
        startup::run(options).await;
    }
    if only("generate") {
        generate::run(options).await;
    }
    if only("direct") {
        direct::run(options).await;
    }
    if only("gallery") {
        gallery::run(options, big).await;
    }
    if only("history") {
        history::run(options, big).await;
    }
}
