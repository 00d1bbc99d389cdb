//! The `easel` binary as a process: exit codes, output, surviving SIGKILL mid-batch, and the
//! audit's crafted inputs under a memory cap (`hostile`).

mod budget;
mod comfy;
mod hostile;
mod ledger;
mod models;
mod reflecting_server;
mod resume;
mod run;
mod sweep;
mod tls;
mod wildcards;

use std::path::{Path, PathBuf};

/// Held by each test that counts requests per second at the emulator (`budget`, `resume`) and
/// by each CPU-heavy `hostile` test, so no two of them run at once. The emulator logs when
/// requests arrive; on 2 shared cores a hostile child (a 5,000-node run, a 64 MiB inflate)
/// delayed requests between their grant and their arrival, and "6 requests within one second"
/// failed the budget and resume tests now and then. The cause is fixed in the budget itself: a
/// request keeps its place until a window after its answer, so no delay can pack six arrivals
/// into a second (`easel-tams` `budget.rs`, with a test that lets an adversary pick every
/// arrival). The lock stays so those tests also keep their run times apart from the hostile ones.
pub static TIMED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `easel emulator ARGS` as a process and the address it announced; killed on drop.
pub struct EmulatorProcess {
    child: std::process::Child,
    pub url: String,
}

impl EmulatorProcess {
    /// Starts it and reads its first line, which must be `listening on <url>`.
    pub fn start(args: &[&str]) -> EmulatorProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_easel"))
            .arg("emulator")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
        EmulatorProcess { child, url }
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        // Already gone is fine: the test is over either way.
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The reference workflow file in the repository.
pub fn reference_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../easel-workflow/data/reference.json")
}

/// The shared reference material and corpus.
pub fn shared() -> PathBuf {
    std::env::var_os("EASEL_SHARED")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from("/work/shared"))
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every PNG file under `dir`, recursively: the images a run saved in a library.
pub fn pngs_under(dir: &Path) -> Vec<PathBuf> {
    files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect()
}

/// How long the window is in which the emulator's arrivals are counted. Since the budget counts
/// each request until 1.1 s after its answer, no stall between grant and arrival can put six
/// arrivals into even 1.1 s; the 0.9 s these tests count in dates from before that rule (when a
/// stall of 100–200 ms on a loaded 2-core machine could) and is kept as it was. The emulator's
/// own verdict (no 429) is asserted beside it.
const PEAK_WINDOW: std::time::Duration = std::time::Duration::from_millis(900);

/// The most `/v1` requests the emulator saw in any `PEAK_WINDOW`, and how many it answered 429.
pub fn peak_and_429s(emulator: &easel_emulator::Emulator) -> (usize, usize) {
    let limited = emulator.requests().iter().filter(|r| r.path.starts_with("/v1/") && r.status == 429).count();
    (emulator.peak_arrivals(PEAK_WINDOW), limited)
}

/// Writes `<dir>/img.json`: a LoadImage of `image` saved by a SaveImage.
pub fn load_image_graph(dir: &std::path::Path, image: &std::path::Path) -> std::path::PathBuf {
    let graph = serde_json::json!({
        "1": {"classType": "LoadImage", "inputs": {"image": image.to_string_lossy(), "upload": "image"}},
        "2": {"classType": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}
    });
    let file = dir.join("img.json");
    std::fs::write(&file, graph.to_string()).unwrap();
    file
}
