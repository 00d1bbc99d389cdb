//! The engine: turns a workflow into finished runs with their images on disk. It validates the
//! graph, applies seed control across a batch, records each run in SQLite before sending
//! anything, queues runs under a concurrency limit, follows each job, saves every result into
//! the library folder and reports each change as a `JobEvent` to one sink. On start it can
//! resume runs a crash left unfinished. It has no UI and no Tauri; the app and the CLI drive it.

mod download;
mod error;
mod event;
mod input_image;
mod model_info;
mod models;
mod prepare;
mod progress;
mod queue;
mod run;
mod save;
mod seeds;
mod store;
mod template;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use easel_tams::Client;
use easel_workflow::Workflow;
use serde_json::Value;

pub use error::EngineError;
pub use event::{JobChange, JobEvent, NodeState, SavedImage};
pub use input_image::{inspect_input_image, keep_pasted_image, InputImage, MAX_INPUT_BYTES};
pub use model_info::ModelInfo;
pub use run::{RunLimits, RunOutcome};
pub use seeds::{apply_seeds, seed_inputs, seeds_used, SeedControl, SeedMode, SEED_INPUTS};
pub use store::{RunRecord, Store};
pub use template::TemplateRequest;

use queue::Queue;
use run::{RunControl, RunPlan};

/// Where events go: the app forwards them to the window, the CLI prints them.
pub type EventSink = Arc<dyn Fn(JobEvent) + Send + Sync>;

/// Name of the run journal inside a library folder.
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

/// What to run: a graph, how many times, and how its seeds change from run to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The graph as edited.
    pub workflow: Workflow,
    /// A name for people (file or favourite name).
    pub name: String,
    /// Runs in the batch (at least 1).
    pub count: u32,
    /// Seed modes; seed inputs not listed stay fixed.
    pub seeds: Vec<SeedControl>,
    /// The ComfyUI editor workflow, embedded in the PNGs as `workflow` when known.
    pub editor_workflow: Option<Value>,
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
    queue: Queue,
    controls: Mutex<HashMap<String, Arc<RunControl>>>,
    gallery: Arc<easel_library::Library>,
    model_names: models::ModelNames,
    models: model_info::ModelCatalogue,
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
        let gallery = easel_library::Library::open(&library)
            .map_err(|e| EngineError::Store(format!("gallery index in {}: {e}", library.display())))?;
        let inner = Inner {
            client,
            library,
            store: Mutex::new(store),
            sink,
            limits,
            runtime,
            queue: Queue::new(limits.concurrency),
            controls: Mutex::new(HashMap::new()),
            gallery: Arc::new(gallery),
            model_names: models::ModelNames::default(),
            models: model_info::ModelCatalogue::default(),
        };
        Ok(Engine { inner: Arc::new(inner) })
    }

    /// The library folder.
    pub fn library(&self) -> &Path {
        &self.inner.library
    }

    /// The gallery index of the library folder; every saved image is added to it.
    pub fn gallery(&self) -> Arc<easel_library::Library> {
        self.inner.gallery.clone()
    }

    /// Validates the graph, then records and queues `request.count` runs, seeds applied per run.
    /// An error means nothing was recorded or sent.
    pub fn submit(&self, request: &RunRequest) -> Result<Vec<RunHandle>, EngineError> {
        let order = request.workflow.execution_order()?;
        if request.workflow.image_plans().is_empty() {
            return Err(EngineError::Workflow(easel_workflow::WorkflowError::UnknownFormat(
                "the workflow has no output node (SaveImage or PreviewImage), so it would produce nothing".into(),
            )));
        }
        let editor = request.editor_workflow.as_ref().map(Value::to_string);
        let mut plans = Vec::new();
        for index in 0..request.count.max(1) {
            let workflow = apply_seeds(&request.workflow, &request.seeds, index);
            let run_id = uuid::Uuid::new_v4().to_string();
            let plan = RunPlan {
                name: request.name.clone(),
                request_id: uuid::Uuid::new_v4().simple().to_string(),
                job_id: None,
                created_at: store::unix_now(),
                order: order.clone(),
                params: workflow.to_tams_params(),
                template: None,
                prompt_chunk: workflow.to_comfy_api().to_string(),
                editor_chunk: editor.clone(),
                seeds: seeds_used(&workflow),
                run_id,
            };
            self.inner.with_store(|s| {
                s.insert_run(&store::NewRun {
                    run_id: &plan.run_id,
                    request_id: &plan.request_id,
                    name: &request.name,
                    backend: self.inner.client.base_url(),
                    workflow: &plan.params.to_string(),
                    seeds: &plan.seeds.to_string(),
                    editor: editor.as_deref(),
                })
            })?;
            plans.push(plan);
        }
        Ok(plans.into_iter().map(|plan| self.spawn(plan)).collect())
    }

    /// Picks up every run of this backend that a previous process left queued or submitted:
    /// jobs already created are polled (images already saved are not fetched again), the others
    /// are sent again with their original requestId so the service never makes a second job.
    pub fn resume(&self) -> Result<Vec<RunHandle>, EngineError> {
        let records = self.inner.with_store(|s| s.unfinished_runs(self.inner.client.base_url()))?;
        let mut handles = Vec::new();
        for record in records {
            download::remove_stale_parts(&self.inner.library, &record.run_id, record.created_at);
            let plan = match template::from_stored(&record.workflow) {
                Some((template_id, fields)) => RunPlan {
                    name: record.name,
                    run_id: record.run_id,
                    request_id: record.request_id,
                    job_id: record.job_id,
                    created_at: record.created_at,
                    order: Vec::new(),
                    params: Value::Null,
                    template: Some((template_id, fields)),
                    prompt_chunk: String::new(),
                    editor_chunk: None,
                    seeds: Value::Object(Default::default()),
                },
                None => {
                    let workflow = Workflow::from_json_str(&record.workflow)?.workflow;
                    RunPlan {
                        name: record.name,
                        run_id: record.run_id,
                        request_id: record.request_id,
                        job_id: record.job_id,
                        created_at: record.created_at,
                        order: workflow.execution_order()?,
                        params: workflow.to_tams_params(),
                        template: None,
                        prompt_chunk: workflow.to_comfy_api().to_string(),
                        editor_chunk: record.editor,
                        seeds: seeds_used(&workflow),
                    }
                }
            };
            handles.push(self.spawn(plan));
        }
        Ok(handles)
    }

    /// Cancels a run: a pending one never reaches the service; a submitted one gets DELETE.
    /// Returns `false` when the run is not active in this process.
    pub fn cancel(&self, run_id: &str) -> bool {
        if self.inner.queue.cancel_pending(run_id) {
            return true;
        }
        let control = self.inner.controls_get(run_id);
        match control {
            Some(control) => {
                control.canceled.store(true, Ordering::SeqCst);
                control.wake.notify_one();
                true
            }
            None => false,
        }
    }

    /// Moves the given pending runs to the front of the queue, in that order.
    pub fn reorder(&self, first: &[String]) {
        self.inner.queue.reorder(first);
    }

    /// How many runs of this engine have not finished (queued, on the service, or saving).
    pub fn active(&self) -> usize {
        self.inner.controls.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Pending run ids, next first.
    pub fn pending(&self) -> Vec<String> {
        self.inner.queue.pending()
    }

    /// Runs a recorded run's graph again as a new run (same values, seeds included).
    pub fn retry(&self, run_id: &str) -> Result<RunHandle, EngineError> {
        let record = self.run_record(run_id)?.ok_or_else(|| EngineError::UnknownRun(run_id.to_string()))?;
        let params: serde_json::Value = serde_json::from_str(&record.workflow)
            .map_err(|e| EngineError::Store(format!("run {run_id}: stored graph unreadable: {e}")))?;
        let workflow = easel_workflow::Workflow::from_json(params)?.workflow;
        let editor_workflow = record.editor.as_deref().and_then(|e| serde_json::from_str(e).ok());
        let request = RunRequest { workflow, name: record.name, count: 1, seeds: Vec::new(), editor_workflow };
        let mut handles = self.submit(&request)?;
        handles.pop().ok_or_else(|| EngineError::Store("the retried run was not recorded".into()))
    }

    /// A stored run, by id.
    pub fn run_record(&self, run_id: &str) -> Result<Option<RunRecord>, EngineError> {
        self.inner.with_store(|s| s.run(run_id))
    }

    pub(crate) fn spawn(&self, plan: RunPlan) -> RunHandle {
        let run_id = plan.run_id.clone();
        let control = Arc::new(RunControl::default());
        self.inner.controls_insert(&run_id, control.clone());
        if plan.job_id.is_none() {
            self.inner.queue.push(&run_id);
        }
        let task = self.inner.runtime.spawn(run::drive(self.inner.clone(), Arc::new(plan), control));
        RunHandle { run_id, task }
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

    fn controls_insert(&self, run_id: &str, control: Arc<RunControl>) {
        // The map only holds Arcs; a poisoned lock still holds a consistent map.
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).insert(run_id.to_string(), control);
    }

    fn controls_get(&self, run_id: &str) -> Option<Arc<RunControl>> {
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).get(run_id).cloned()
    }

    fn controls_remove(&self, run_id: &str) {
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).remove(run_id);
    }
}
