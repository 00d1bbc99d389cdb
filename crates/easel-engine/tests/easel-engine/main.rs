//! The engine against the emulator over real HTTP on 127.0.0.1, with a real SQLite library.

mod batch;
mod comfy;
mod endpoint;
mod faults;
mod ledger;
mod mapping;
mod pipeline;
mod run;
mod sweep;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use easel_engine::{
    Engine, EventSink, Hooks, JobEvent, LocalFiles, RunHandle, RunLimits, RunRequest, WildcardMode, Work,
};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

/// An emulator with `faults`, fast steps, and a client for it.
pub async fn emulator_with(faults: &str) -> (Emulator, Client) {
    emulator_from(EmulatorConfig { faults: FaultSpec::parse(faults).unwrap(), ..fast_emulator() }).await
}

/// The emulator's configuration behind `emulator_with`: fast steps, key "k", no faults.
pub fn fast_emulator() -> EmulatorConfig {
    EmulatorConfig { api_key: "k".into(), step_delay: Duration::from_millis(10), ..EmulatorConfig::default() }
}

/// An emulator with this configuration (its key must be "k"), and a client for it.
pub async fn emulator_from(config: EmulatorConfig) -> (Emulator, Client) {
    let emulator = Emulator::start(config).await.unwrap();
    let mut client_config = ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("k".into())));
    client_config.base_backoff = Duration::from_millis(20);
    client_config.max_attempts = 8;
    let client = Client::new(client_config, Arc::new(Budget::tams_default())).unwrap();
    (emulator, client)
}
/// A journal row of a graph run as a previous process would have left it (no editor graph,
/// uploads or estimate: set them with struct update where a test needs one).
pub fn stored_run<'a>(
    run_id: &'a str,
    request_id: &'a str,
    name: &'a str,
    backend: &'a str,
    workflow: &'a str,
) -> easel_engine::NewRun<'a> {
    easel_engine::NewRun {
        run_id,
        request_id,
        name,
        backend,
        workflow,
        seeds: "{}",
        editor: None,
        kind: easel_engine::RunKind::Graph,
        uploads: None,
        estimate: None,
    }
}

/// The shared reference material and corpus (`$EASEL_SHARED`, else /work/shared).
pub fn shared() -> std::path::PathBuf {
    std::env::var_os("EASEL_SHARED")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
}

/// Every event a collecting sink kept.
pub type Events = Arc<Mutex<Vec<JobEvent>>>;

/// Every PNG file under `dir`, at any depth.
pub fn pngs_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(pngs_under(&path));
        } else if path.extension().is_some_and(|e| e == "png") {
            out.push(path);
        }
    }
    out
}

/// A sink that keeps every event.
pub fn collecting_sink() -> (EventSink, Events) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let clone = events.clone();
    (Arc::new(move |e| clone.lock().unwrap().push(e)), events)
}

/// A sink whose events a test awaits one by one, as they come. A send after the test stopped
/// listening has no one to tell, and is dropped.
pub fn streaming_sink() -> (EventSink, tokio::sync::mpsc::UnboundedReceiver<JobEvent>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (Arc::new(move |e| drop(tx.send(e))), rx)
}

/// An engine on a fresh library with fast polling.
pub fn engine(client: Client, sink: EventSink, concurrency: usize) -> (Engine, tempfile::TempDir) {
    let library = tempfile::tempdir().unwrap();
    let limits = RunLimits {
        concurrency,
        running_poll: Duration::from_millis(50),
        waiting_poll: Duration::from_millis(50),
        ..RunLimits::default()
    };
    (Engine::open(library.path(), client, sink, limits).unwrap(), library)
}

/// `count` runs of the reference workflow.
pub fn reference(count: u32) -> RunRequest {
    graph(Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow, count)
}

/// `count` runs of `workflow`, fixed seeds, no local files.
pub fn graph(workflow: Workflow, count: u32) -> RunRequest {
    RunRequest {
        name: "reference".into(),
        count,
        work: Work::Graph { workflow, seeds: Vec::new(), editor: None, wildcards: WildcardMode::Seeded, sweep: None },
        local_files: LocalFiles::None,
        models: Vec::new(),
    }
}

/// Starts `request` through the pipeline, agreeing to any cost.
pub async fn start(engine: &Engine, request: RunRequest) -> Vec<RunHandle> {
    engine.start(request, &Hooks::approve_all()).await.unwrap().runs
}
