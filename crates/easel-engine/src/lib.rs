//! The engine: turns a workflow into a finished run with its images on disk. It validates the
//! graph, records the run in SQLite before sending anything, submits through the TAMS client,
//! follows the job, saves every result into the library folder and reports each change as a
//! `JobEvent` to one sink. It has no UI and no Tauri; the desktop app and the CLI both drive it.

mod download;
mod error;
mod event;
mod progress;
mod run;
mod store;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use easel_tams::Client;
use easel_workflow::{Input, Workflow};
use serde_json::{Map, Value};

pub use error::EngineError;
pub use event::{JobChange, JobEvent, NodeState, SavedImage};
pub use run::{RunLimits, RunOutcome};
pub use store::{RunRecord, Store};

/// Where events go: the app forwards them to the window, the CLI prints them.
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// Name of the database file inside a library folder.
pub const DATABASE_FILE: &str = "easel.sqlite";

/// The library folder used when none is chosen: `$EASEL_LIBRARY`, else `$HOME/Pictures/Easel`,
/// else `./easel-library`.
pub fn default_library() -> PathBuf {
    if let Some(dir) = std::env::var_os("EASEL_LIBRARY").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join("Pictures").join("Easel"))
        .unwrap_or_else(|| PathBuf::from("easel-library"))
}

/// Runs workflows against one backend into one library folder.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    client: Client,
    library: PathBuf,
    store: Mutex<Store>,
    sink: EventSink,
    limits: RunLimits,
    runtime: tokio::runtime::Handle,
}

/// A run that has started.
#[derive(Debug)]
pub struct RunHandle {
    /// Easel's id for the run.
    pub run_id: String,
    /// Resolves when the run ends.
    pub task: tokio::task::JoinHandle<RunOutcome>,
}

impl Engine {
    /// Opens the library at `library` (created if missing) and talks to the service through `client`.
    /// Must be called within a tokio runtime: runs are spawned on it, whichever thread starts them.
    pub fn open(library: &Path, client: Client, sink: EventSink, limits: RunLimits) -> Result<Engine, EngineError> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| EngineError::Store(format!("the engine needs a tokio runtime: {e}")))?;
        std::fs::create_dir_all(library).map_err(|e| EngineError::file(library, e))?;
        let library = library.canonicalize().map_err(|e| EngineError::file(library, e))?;
        let store = Store::open(&library.join(DATABASE_FILE))?;
        Ok(Engine { inner: Arc::new(Inner { client, library, store: Mutex::new(store), sink, limits, runtime }) })
    }

    /// The library folder.
    pub fn library(&self) -> &Path {
        &self.inner.library
    }

    /// Validates `workflow`, records the run, and starts it on the engine's runtime (any thread may call).
    /// Errors here mean nothing was recorded or sent.
    pub fn start(&self, workflow: &Workflow, name: &str) -> Result<RunHandle, EngineError> {
        let order = workflow.execution_order()?;
        if workflow.image_plans().is_empty() {
            return Err(EngineError::Workflow(easel_workflow::WorkflowError::UnknownFormat(
                "the workflow has no output node (SaveImage or PreviewImage), so it would produce nothing".into(),
            )));
        }
        let run_id = uuid::Uuid::new_v4().to_string();
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        let params = workflow.to_tams_params();
        let params_text = params.to_string();
        self.inner.with_store(|s| {
            s.insert_run(&store::NewRun {
                run_id: &run_id,
                request_id: &request_id,
                name,
                backend: self.inner.client.base_url(),
                workflow: &params_text,
            })
        })?;
        let plan = run::RunPlan {
            run_id: run_id.clone(),
            request_id,
            created_at: store::unix_now(),
            order,
            params,
            prompt_chunk: workflow.to_comfy_api().to_string(),
            seeds: seeds_of(workflow),
        };
        let task = self.inner.runtime.spawn(run::drive(self.inner.clone(), plan));
        Ok(RunHandle { run_id, task })
    }

    /// The file of a saved image, by library id.
    pub fn image_path(&self, id: i64) -> Result<Option<PathBuf>, EngineError> {
        Ok(self.inner.with_store(|s| s.image_path(id))?.map(PathBuf::from))
    }

    /// A stored run, by id.
    pub fn run_record(&self, run_id: &str) -> Result<Option<RunRecord>, EngineError> {
        self.inner.with_store(|s| s.run(run_id))
    }
}

impl Inner {
    fn emit(&self, run_id: &str, change: JobChange) {
        (self.sink)(JobEvent { run_id: run_id.to_string(), change });
    }

    fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, EngineError>) -> Result<T, EngineError> {
        let store = self.store.lock().map_err(|_| EngineError::Store("the database lock was poisoned".into()))?;
        f(&store)
    }
}

/// The seed inputs of the graph (`seed`, `noise_seed`) by node, as sent.
fn seeds_of(workflow: &Workflow) -> Value {
    let mut seeds = Map::new();
    for (id, node) in &workflow.nodes {
        for name in ["seed", "noise_seed"] {
            if let Some(Input::Value(v)) = node.inputs.get(name) {
                seeds.insert(id.clone(), v.clone());
            }
        }
    }
    Value::Object(seeds)
}
