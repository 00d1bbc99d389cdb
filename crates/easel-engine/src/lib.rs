//! The engine: turns a document into finished runs with their images on disk. Work starts in one
//! place, `Engine::start` (`pipeline`): validate, upload local pictures, price, ask the front
//! door, record each run in SQLite before sending anything, queue under a concurrency limit.
//! Each run task then follows its job, saves every result into the library folder and reports
//! each change as a `JobEvent` to one sink. On start it can resume runs a crash left unfinished.
//! It has no UI and no Tauri; the app and the CLI are front doors that drive it.

mod backend;
mod comfy;
mod download;
mod error;
mod event;
mod input_image;
mod mapping;
mod model_cache;
mod owner;
mod pipeline;
mod plan;
mod progress;
mod queue;
mod request;
mod run;
pub mod sample;
mod save;
mod seeds;
mod spend;
mod store;
mod sweep;
mod template;
mod uploads;
mod wildcards;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

pub use backend::{Backend, Capabilities};
pub use error::EngineError;
pub use event::{JobChange, JobEvent, NodeState, SavedImage};
pub use input_image::{inspect_input_image, keep_pasted_image, InputImage, MAX_INPUT_BYTES, MAX_INPUT_PIXELS};
pub use mapping::{model_uses_in, ModelMapping, ModelUse, Readiness, MAX_MODEL_FILE_CHARS, TENSORART_IDS};
pub use model_cache::{ModelInfo, MODEL_INFO_MAX_AGE, UNKNOWN_MODEL_MAX_AGE};
pub use owner::{HEARTBEAT, LEASE};
pub use pipeline::{Started, MAX_BATCH};
#[doc(hidden)]
pub use plan::decode_row;
pub use request::{Estimate, Hooks, LocalFiles, RunRequest, Upload, Work};
pub use run::{RunLimits, RunOutcome};
pub use seeds::{apply_seeds, seed_inputs, seeds_used, SeedControl, SeedMode, SEED_INPUTS};
pub use spend::{CapBreach, CapPeriod, SpendBy, SpendCaps, SpendReport, SpendRow, MAX_CAP};
pub use store::{
    HistoryCursor, HistoryFilter, HistoryPage, HistoryRun, MappedRow, NewImage, NewRun, RunImage, RunKind, RunRecord,
    RunStatus, Store, MAX_HISTORY_PAGE,
};
pub use store::{SweepRecord, SweepRun};
/// The grid composer, for its benchmark (`examples/grid_bench.rs`).
#[doc(hidden)]
pub use sweep::grid::{compose as compose_grid, save as save_grid, Labels as GridLabels, MAX_GRID_PIXELS};
pub use sweep::{Axis, AxisTarget, AxisValue, Cell, Sweep, MAX_AXES, MAX_AXIS_VALUES};
pub use uploads::UPLOAD_REUSE;
pub use wildcards::{
    Prompts, WildcardInput, WildcardMode, WildcardSummary, MAX_EXPANDED_CHARS, MAX_WILDCARD_FILES,
    MAX_WILDCARD_FILE_BYTES, MAX_WILDCARD_LINES, WILDCARD_DIR,
};

use plan::RunPlan;
use queue::Queue;
use run::RunControl;

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

/// Runs workflows against one backend into one library folder.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    server: Backend,
    /// The endpoint as recorded (`easel_tams::endpoint_label`): the journal's backend key and
    /// the `backend` of saved images. Never the configured URL, which may carry tokens.
    backend: String,
    library: PathBuf,
    store: Mutex<Store>,
    sink: EventSink,
    limits: RunLimits,
    runtime: tokio::runtime::Handle,
    queue: Queue,
    controls: Mutex<HashMap<String, Arc<RunControl>>>,
    gallery: Arc<easel_library::Library>,
    models: model_cache::ModelCache,
    digests: uploads::Digests,
    /// One turn per picture digest, held from an upload's last look for that digest until the
    /// upload is recorded, so two preparations of the same picture at once (the form's estimate
    /// and Run, say) upload it once, while different pictures upload side by side
    /// (`uploads::Engine::upload_file`).
    uploading: uploads::Turns,
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
    /// Opens the library at `library` (created if missing); runs go to `server` (a TAMS client
    /// or a ComfyUI server).
    /// Must be called within a tokio runtime: runs are spawned on it, whichever thread starts them.
    pub fn open(
        library: &Path,
        server: impl Into<Backend>,
        sink: EventSink,
        limits: RunLimits,
    ) -> Result<Engine, EngineError> {
        let server = server.into();
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| EngineError::Store(format!("the engine needs a tokio runtime: {e}")))?;
        std::fs::create_dir_all(library).map_err(|e| EngineError::file(library, e))?;
        let library = library.canonicalize().map_err(|e| EngineError::file(library, e))?;
        let store = Store::open(&library.join(DATABASE_FILE))?;
        let gallery = easel_library::Library::open(&library)
            .map_err(|e| EngineError::Store(format!("gallery index in {}: {e}", library.display())))?;
        let inner = Inner {
            backend: server.label(),
            server,
            library,
            store: Mutex::new(store),
            sink,
            limits,
            runtime,
            queue: Queue::new(limits.concurrency),
            controls: Mutex::new(HashMap::new()),
            gallery: Arc::new(gallery),
            models: model_cache::ModelCache::default(),
            digests: uploads::Digests::default(),
            uploading: uploads::Turns::default(),
        };
        let inner = Arc::new(inner);
        inner.runtime.spawn(heartbeat(Arc::downgrade(&inner)));
        if inner.gallery.needs_rescan() {
            // The index was unreadable and replaced (or an earlier rebuild did not finish): index
            // the folder again in the background; runs meanwhile add their images as usual.
            let gallery = inner.gallery.clone();
            inner.runtime.spawn_blocking(move || match gallery.rescan(&mut |_| {}) {
                Ok(report) => eprintln!("easel: rebuilt the library index: {} images", report.added + report.known),
                Err(e) => eprintln!("easel: rebuilding the library index failed: {e}"),
            });
        }
        Ok(Engine { inner })
    }

    /// What the backend can do (credits, templates, model ids, previews).
    pub fn capabilities(&self) -> Capabilities {
        self.inner.server.capabilities()
    }

    /// The backend as the journal records it (`easel_tams::endpoint_label`: never a token).
    pub fn backend_label(&self) -> &str {
        &self.inner.backend
    }

    /// The library folder.
    pub fn library(&self) -> &Path {
        &self.inner.library
    }

    /// The gallery index of the library folder; every saved image is added to it.
    pub fn gallery(&self) -> Arc<easel_library::Library> {
        self.inner.gallery.clone()
    }

    /// Picks up every run of this backend that a previous process left queued or submitted:
    /// jobs already created are polled (images already saved are not fetched again), the others
    /// are sent again with their original requestId so the service never makes a second job.
    /// A row that cannot be read back is marked failed with the reason (and reported), so one
    /// bad row never stops the others or the app. Runs another live process drives (the app and
    /// a script on one library) are left to it (`owner`).
    pub fn resume(&self) -> Result<Vec<RunHandle>, EngineError> {
        let records = self.inner.with_store(|s| s.unfinished_runs(&self.inner.backend))?;
        let me = self.inner.with_store(|s| Ok(s.owner().to_string()))?;
        let now = store::unix_now();
        let mut handles = Vec::new();
        for record in records {
            // Already driven here (resume runs again and again under `keep_resuming`).
            if self.inner.controls_get(&record.run_id).is_some() {
                continue;
            }
            let free = owner::claimable(record.owner.as_deref(), record.heartbeat, &me, now);
            if !free || !self.inner.with_store(|s| s.claim(&record.run_id, record.owner.as_deref()))? {
                continue;
            }
            download::remove_stale_parts(&self.inner.library, &record.run_id, record.created_at);
            let run_id = record.run_id.clone();
            match RunPlan::from_record(record) {
                Ok(plan) => handles.push(self.spawn(plan)),
                Err(e) => {
                    eprintln!("easel: cannot resume run {run_id}: {e}");
                    self.inner.with_store(|s| {
                        s.finish_run(&run_id, "failed", None, Some((e.code().as_str(), &e.to_string())))
                    })?;
                    self.inner.emit(&run_id, JobChange::Failed { code: e.code(), message: e.to_string() });
                }
            }
        }
        Ok(handles)
    }

    /// `resume` now, then again every `HEARTBEAT` while the engine lives: a long-lived front door
    /// (the app) so picks up runs a process left after this one started (a window closed while
    /// the next one opened, a script killed), instead of showing them queued forever. Runs this
    /// engine already drives are never started twice.
    pub fn keep_resuming(&self) -> Result<Vec<RunHandle>, EngineError> {
        let first = self.resume()?;
        self.compose_pending(true);
        let weak = Arc::downgrade(&self.inner);
        self.inner.runtime.spawn(async move {
            loop {
                tokio::time::sleep(owner::HEARTBEAT).await;
                // Held for one pass only: the engine ends when its front door drops it.
                let Some(inner) = weak.upgrade() else { return };
                if let Err(e) = (Engine { inner }).resume() {
                    eprintln!("easel: looking for runs other processes left failed: {e}");
                }
            }
        });
        Ok(first)
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

    /// Moves the given pending runs to the front of the queue, in that order (the order is
    /// recorded, so a restart keeps it).
    pub fn reorder(&self, first: &[String]) -> Result<(), EngineError> {
        self.inner.queue.reorder(first);
        self.record_order()
    }

    /// Moves the given pending runs to the back of the queue, in that order (recorded).
    pub fn send_back(&self, last: &[String]) -> Result<(), EngineError> {
        self.inner.queue.send_back(last);
        self.record_order()
    }

    /// Holds back every pending run (`true`) or lets them go; runs already on the service go on.
    /// In memory only: a front door that wants the pause to outlive the process keeps it and
    /// sets it again before `resume` (the app does; a script's runs are never held back by it).
    pub fn set_paused(&self, paused: bool) {
        self.inner.queue.set_paused(paused);
    }

    /// Whether pending runs are held back.
    pub fn paused(&self) -> bool {
        self.inner.queue.paused()
    }

    /// Cancels every pending run and, with `running`, every run on the service too; returns the
    /// ids it canceled.
    pub fn cancel_all(&self, running: bool) -> Vec<String> {
        let pending = self.inner.queue.pending();
        let mut ids: Vec<String> = pending.into_iter().filter(|id| self.inner.queue.cancel_pending(id)).collect();
        if running {
            let active: Vec<String> =
                self.inner.controls.lock().unwrap_or_else(|p| p.into_inner()).keys().cloned().collect();
            for id in active {
                if !ids.contains(&id) && self.cancel(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    fn record_order(&self) -> Result<(), EngineError> {
        let pending = self.inner.queue.pending();
        self.inner.with_store(|s| s.set_queue_order(&pending))
    }

    /// How many runs of this engine have not finished (queued, on the service, or saving).
    pub fn active(&self) -> usize {
        self.inner.controls.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Pending run ids, next first.
    pub fn pending(&self) -> Vec<String> {
        self.inner.queue.pending()
    }

    /// A stored run, by id.
    pub fn run_record(&self, run_id: &str) -> Result<Option<RunRecord>, EngineError> {
        self.inner.with_store(|s| s.run(run_id))
    }

    /// A page of the run history (every run this library's journal holds, any process's).
    pub fn history(
        &self,
        filter: &HistoryFilter,
        after: Option<&HistoryCursor>,
        limit: u32,
    ) -> Result<HistoryPage, EngineError> {
        let mut page = self.inner.with_store(|s| s.history(filter, after, limit))?;
        let paths: Vec<PathBuf> =
            page.runs.iter().flat_map(|r| r.images.iter().map(|i| PathBuf::from(&i.path))).collect();
        // A gallery that cannot answer costs the thumbnails, not the page.
        let ids = self.inner.gallery.ids_of(&paths).unwrap_or_default();
        for (image, id) in page.runs.iter_mut().flat_map(|r| r.images.iter_mut()).zip(ids) {
            image.id = id;
        }
        Ok(page)
    }

    /// How many recorded runs match `filter`.
    pub fn history_count(&self, filter: &HistoryFilter) -> Result<u64, EngineError> {
        self.inner.with_store(|s| s.history_count(filter))
    }

    /// Removes a finished run's record; its images stay.
    pub fn forget_run(&self, run_id: &str) -> Result<bool, EngineError> {
        self.inner.with_store(|s| s.forget_run(run_id))
    }

    /// The spend ledger, grouped.
    pub fn spend(&self, by: SpendBy, since: Option<i64>) -> Result<SpendReport, EngineError> {
        self.inner.with_store(|s| s.spend(by, since))
    }

    /// The spend caps every front door's runs are checked against.
    pub fn spend_caps(&self) -> Result<SpendCaps, EngineError> {
        self.inner.with_store(|s| s.spend_caps())
    }

    /// Replaces the spend caps of this library.
    pub fn set_spend_caps(&self, caps: SpendCaps) -> Result<(), EngineError> {
        self.inner.with_store(|s| s.set_spend_caps(caps))
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

/// Beats while the engine lives, so other processes on the library leave its runs alone.
async fn heartbeat(inner: std::sync::Weak<Inner>) {
    loop {
        tokio::time::sleep(owner::HEARTBEAT).await;
        let Some(inner) = inner.upgrade() else { return };
        if let Err(e) = inner.with_store(|s| s.heartbeat()) {
            eprintln!("easel: could not record that this process still drives its runs: {e}");
        }
    }
}

impl Inner {
    fn emit(&self, run_id: &str, change: JobChange) {
        (self.sink)(JobEvent { run_id: run_id.to_string(), change });
    }

    /// An event of a running plan: to the sink its front door gave, else the engine's.
    fn emit_run(&self, plan: &RunPlan, change: JobChange) {
        let event = JobEvent { run_id: plan.run_id.clone(), change };
        match &plan.events {
            Some(sink) => sink(event),
            None => (self.sink)(event),
        }
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
