//! What a front door hands the engine to start work: the document to run (a graph or a
//! template), how many runs, which local files it may upload, and the hooks through which the
//! engine asks the caller (confirm a cost, announce an upload). Front doors build one of these
//! and call `Engine::start`; none of them validates, uploads, prices or submits on its own.

use std::path::{Path, PathBuf};

use easel_tams::FieldAttr;
use easel_workflow::Workflow;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::SeedControl;

/// What to run and how many times.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// A name for people (file, favourite or template name).
    pub name: String,
    /// Runs in the batch (at least 1).
    pub count: u32,
    /// The document.
    pub work: Work,
    /// Which local pictures named by the document may be uploaded.
    pub local_files: LocalFiles,
    /// Model files sent as these ids for this request only (file name, model id), before the
    /// library's stored mappings (`easel run --map FILE=ID`).
    pub models: Vec<(String, String)>,
}

/// The document of a run.
#[derive(Debug, Clone)]
pub enum Work {
    /// A graph Easel sends whole (`POST /v1/jobs/workflow`).
    Graph {
        /// The graph as edited.
        workflow: Workflow,
        /// Seed modes across the batch; seed inputs not listed stay fixed.
        seeds: Vec<SeedControl>,
        /// The ComfyUI editor graph the document came from, when it came from one: each run's
        /// PNGs embed it as `workflow`, with the run's values written back into its widgets.
        editor: Option<Value>,
        /// How wildcards in its text inputs become runs (`Off` for a recorded document).
        wildcards: crate::WildcardMode,
        /// A sweep over the graph: every cell is a run (times the count).
        sweep: Option<crate::Sweep>,
    },
    /// A template the service keeps, run by id with every field's value.
    Template {
        /// The template id.
        template_id: String,
        /// Every field of the template, with the value to send.
        fields: Vec<FieldAttr>,
    },
}

/// Which local files an image input may name and have uploaded. Anything not allowed here that
/// looks like a local path is a located error before anything is sent; values that came from
/// the service are never read as paths.
#[derive(Debug, Clone, Default)]
pub enum LocalFiles {
    /// None: the document holds only resource ids and URLs (retry, a stored run).
    #[default]
    None,
    /// Only these files: the ones a person picked, dropped or pasted in the window, or named on
    /// the command line.
    Picked(Vec<PathBuf>),
    /// Any picture the document names (the CLI running a file the person gave it); each one is
    /// announced through `Hooks::uploading` before it is read.
    Named,
}

impl LocalFiles {
    pub(crate) fn allows(&self, path: &Path) -> bool {
        match self {
            LocalFiles::None => false,
            LocalFiles::Named => true,
            LocalFiles::Picked(paths) => paths.iter().any(|p| p == path),
        }
    }
}

/// What a batch is expected to cost, asked of the service's check endpoint before anything runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Estimate {
    /// Credits of one run.
    pub each: f64,
    /// Runs in the batch.
    pub runs: u32,
    /// Credits of the whole batch.
    pub total: f64,
}

/// How the engine asks the front door while starting work.
pub struct Hooks<'a> {
    /// Called once with the batch's estimate; `false` stops everything before a job is made.
    pub confirm: &'a (dyn Fn(&Estimate) -> bool + Sync),
    /// Called when the batch would take spend past a daily or monthly cap (before `confirm`);
    /// `false` stops everything before a job is made.
    pub over_cap: &'a (dyn Fn(&crate::CapBreach) -> bool + Sync),
    /// Called with each local file just before it is read and uploaded.
    pub uploading: &'a (dyn Fn(&Path) + Sync),
    /// Where every event of the runs this call starts goes, from their first `Queued`, instead
    /// of the engine's sink: the app's per-call channel, so a window knows each event's batch
    /// before the call returns the run ids. `None`: the engine's sink.
    pub events: Option<crate::EventSink>,
}

impl Hooks<'static> {
    /// Agrees to any cost and announces nothing (tests, and callers that already agreed).
    pub fn approve_all() -> Hooks<'static> {
        Hooks { confirm: &|_| true, over_cap: &|_| true, uploading: &|_| {}, events: None }
    }
}

/// One local picture uploaded (or found already uploaded) for a run.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    /// The node whose input named the file.
    pub node_id: String,
    /// The input (or template field) name.
    pub input: String,
    /// The local file.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// The resource id it became on the service.
    pub resource: String,
    /// True when the same bytes had already been uploaded to this backend.
    pub reused: bool,
}
