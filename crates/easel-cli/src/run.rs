//! `easel run` and `easel resume`: read a workflow file, apply `--set` edits, queue one run or a
//! batch, show progress from the engine's events (a bar, or one JSON event per line with
//! `--json`) and print the saved image paths. Starting goes through the engine's one pipeline
//! (`Engine::start`): this file only says which local files may be uploaded (any picture the
//! workflow file names, each printed before it is sent; for templates, the paths given with
//! `--set`), which model files go as which ids for this run (`--map`), and answers the cost
//! questions: above `--confirm-above` it asks (or needs `--yes`); past the library's daily or
//! monthly spend cap (`easel spend --daily-cap`) it refuses unless `--yes`. Exit codes:
//! 0 every run succeeded, 2 the file or an edit is invalid (nothing was sent), 3 declined for
//! its cost or a spend cap, 1 anything else (service, network, storage; for `resume`, also a journal row that
//! could not be read back, which is marked failed).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use easel_engine::{
    seed_inputs, Engine, EngineError, Estimate, EventSink, Hooks, JobEvent, LocalFiles, RunHandle, RunLimits,
    RunRequest, SeedControl, SeedMode, WildcardMode, Work,
};
use easel_error::ErrorCode;
use easel_workflow::{parse_model_reference, Workflow};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::progress::ProgressLine;

/// Where runs go and how they are shown; shared by `run` and `resume`.
#[derive(clap::Args)]
pub(crate) struct Target {
    /// The server's base URL; without it the in-process offline emulator is used (Tensor.Art
    /// only: a ComfyUI server needs its URL, e.g. http://127.0.0.1:8188).
    #[arg(long)]
    endpoint: Option<String>,
    /// What the endpoint is: `tams` (Tensor.Art) or `comfyui` (a ComfyUI server; an extra
    /// header for a proxy in front of it comes from EASEL_COMFYUI_HEADER="Name: value").
    #[arg(long, value_enum, default_value_t = crate::backend::Kind::Tams)]
    backend: crate::backend::Kind,
    /// Library folder the images are saved into (default: $EASEL_LIBRARY or ~/Pictures/Easel).
    #[arg(long)]
    library: Option<PathBuf>,
    /// Runs executing on the service at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Print one JSON event per line on stdout instead of a progress bar.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The workflow file (or use --template).
    #[arg(required_unless_present = "template")]
    pub(crate) workflow: Option<PathBuf>,
    /// Run a TAMS workflow template ("AI tool") by id instead of a file; --set NODE.FIELD=VALUE
    /// changes its fields (a local image path is uploaded).
    #[arg(long, conflicts_with = "workflow")]
    pub(crate) template: Option<String>,
    /// Change an input before running: NODE.INPUT=VALUE (VALUE is JSON, or else a string).
    #[arg(long = "set", value_name = "NODE.INPUT=VALUE")]
    sets: Vec<String>,
    /// Send a model file as a Tensor.Art model id for this run only: FILE=ID (ID may be a model
    /// page URL). Stored mappings (`easel models map`) apply to the other files.
    #[arg(long = "map", value_name = "FILE=ID")]
    maps: Vec<String>,
    /// Number of runs in the batch.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// How seed inputs change across the batch (default: increment when --count > 1).
    #[arg(long, value_enum)]
    seed_mode: Option<SeedArg>,
    /// How wildcards in text inputs ({a|b}, __file__ from <library>/wildcards/) become runs:
    /// `seeded` draws one per run from its seeds, `every` runs each combination --count times,
    /// `off` sends the text as written.
    #[arg(long, value_enum, default_value_t = WildcardArg::Seeded)]
    wildcards: WildcardArg,
    /// Ask before running when the estimated credits of the whole batch exceed this.
    #[arg(long, default_value_t = 100.0)]
    pub(crate) confirm_above: f64,
    /// Run without asking, whatever the estimate, even past a spend cap.
    #[arg(long)]
    pub(crate) yes: bool,
    #[command(flatten)]
    pub(crate) target: Target,
}

#[derive(clap::Args)]
pub(crate) struct ResumeArgs {
    #[command(flatten)]
    target: Target,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum WildcardArg {
    Seeded,
    Every,
    Off,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum SeedArg {
    Fixed,
    Increment,
    Decrement,
    Randomize,
}

pub(crate) async fn run(args: RunArgs) -> ExitCode {
    let (Some(file), None) = (&args.workflow, &args.template) else {
        let template_id = args.template.clone().unwrap_or_default();
        let start = Start::Template {
            template_id,
            sets: args.sets.clone(),
            count: args.count,
            confirm_above: args.confirm_above,
            yes: args.yes,
        };
        return drive(&args.target, None, start).await;
    };
    let (request, workflow, shown) = match graph_request(&args, file) {
        Ok(built) => built,
        Err(code) => return code,
    };
    let start = Start::Batch { request: Box::new(request), shown, confirm_above: args.confirm_above, yes: args.yes };
    drive(&args.target, Some(&workflow), start).await
}

/// The graph request `easel run` and `easel sweep` start from: the file read in any format,
/// `--set` and `--map` applied, seed and wildcard modes; with the edited graph and its name.
pub(crate) fn graph_request(
    args: &RunArgs,
    file: &std::path::Path,
) -> Result<(RunRequest, Workflow, String), ExitCode> {
    let shown = file.display().to_string();
    // Any format, detected by content: JSON dialects, ComfyUI editor files, PNGs with metadata.
    let imported = match easel_workflow::read_workflow_file(file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| easel_workflow::Schemas::bundled().import_bytes(&bytes).map_err(|e| e.to_string()))
    {
        Ok(imported) => imported,
        Err(e) => return Err(fail(2, &format!("{shown}: {e}"))),
    };
    for warning in &imported.warnings {
        eprintln!("{shown}: {warning}");
    }
    let editor_workflow = imported.editor;
    let mut workflow = imported.workflow;
    for set in &args.sets {
        if let Err(e) = apply_set(&mut workflow, set) {
            return Err(fail(2, &format!("--set {set}: {e}")));
        }
    }
    let mut models = Vec::new();
    for map in &args.maps {
        let parsed = map.rsplit_once('=').and_then(|(file, id)| Some((file.trim(), parse_model_reference(id)?)));
        match parsed {
            Some((file, id)) if !file.is_empty() => models.push((file.to_string(), id)),
            _ => {
                return Err(fail(
                    2,
                    &format!("--map {map}: expected FILE=ID, with ID a Tensor.Art model id or model page URL"),
                ))
            }
        }
    }
    let mode = match args.seed_mode {
        Some(SeedArg::Fixed) => SeedMode::Fixed,
        Some(SeedArg::Increment) => SeedMode::Increment,
        Some(SeedArg::Decrement) => SeedMode::Decrement,
        Some(SeedArg::Randomize) => SeedMode::Randomize,
        None if args.count > 1 => SeedMode::Increment,
        None => SeedMode::Fixed,
    };
    let seeds =
        seed_inputs(&workflow).into_iter().map(|(node_id, input)| SeedControl { node_id, input, mode }).collect();
    let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("workflow").to_string();
    let request = RunRequest {
        name,
        count: args.count,
        work: Work::Graph {
            workflow: workflow.clone(),
            seeds,
            editor: editor_workflow,
            wildcards: match args.wildcards {
                WildcardArg::Seeded => WildcardMode::Seeded,
                WildcardArg::Every => WildcardMode::Every,
                WildcardArg::Off => WildcardMode::Off,
            },
            sweep: None,
        },
        local_files: LocalFiles::Named,
        models,
    };
    Ok((request, workflow, shown))
}

pub(crate) async fn resume(args: ResumeArgs) -> ExitCode {
    drive(&args.target, None, Start::Resume).await
}

/// What `drive` starts once the engine is open.
pub(crate) enum Start {
    Batch { request: Box<RunRequest>, shown: String, confirm_above: f64, yes: bool },
    Template { template_id: String, sets: Vec<String>, count: u32, confirm_above: f64, yes: bool },
    Resume,
}

impl Start {
    /// The runs started, and the sweep they are when they are one.
    async fn begin(self, engine: &Engine) -> Result<(Vec<RunHandle>, Option<String>), (u8, String)> {
        let (request, shown, confirm_above, yes) = match self {
            Start::Batch { request, shown, confirm_above, yes } => (*request, shown, confirm_above, yes),
            Start::Template { template_id, sets, count, confirm_above, yes } => {
                let request = template_request(engine, &template_id, &sets, count).await?;
                (request, format!("template {template_id}"), confirm_above, yes)
            }
            Start::Resume => return engine.resume().map(|h| (h, None)).map_err(|e| (1, e.to_string())),
        };
        let confirm = |estimate: &Estimate| {
            eprintln!("estimated {} credits per run, {} in all", estimate.each, estimate.total);
            yes || estimate.total <= confirm_above || ask(estimate.total, confirm_above)
        };
        let uploading = |path: &std::path::Path| eprintln!("uploading {}", path.display());
        // A cap is the person's own rule written down: a script passes it only when told to.
        let over_cap = |_: &easel_engine::CapBreach| yes;
        let hooks = Hooks { confirm: &confirm, over_cap: &over_cap, uploading: &uploading, events: None };
        match engine.start(request, &hooks).await {
            Ok(started) => Ok((started.runs, started.sweep_id)),
            Err(EngineError::NotApproved { total, .. }) => Err((
                3,
                format!("not run: {total} credits is above --confirm-above {confirm_above}; pass --yes to run"),
            )),
            Err(e @ EngineError::OverSpendCap(_)) => Err((3, format!("not run: {e}; pass --yes to run anyway"))),
            Err(e) => Err((exit_code(&e), format!("{shown}: {e}"))),
        }
    }
}

/// Fetches the template's fields and applies `--set`; a value given there that is a local path
/// is the one kind of template value that may be uploaded.
async fn template_request(
    engine: &Engine,
    template_id: &str,
    sets: &[String],
    count: u32,
) -> Result<RunRequest, (u8, String)> {
    let shown = format!("template {template_id}");
    let mut fields = engine.template_fields(template_id).await.map_err(|e| (exit_code(&e), format!("{shown}: {e}")))?;
    let mut picked = Vec::new();
    for set in sets {
        let (target, raw) = set.split_once('=').ok_or((2, format!("--set {set}: expected NODE.FIELD=VALUE")))?;
        let (node, name) = target.rsplit_once('.').ok_or((2, format!("--set {set}: expected NODE.FIELD")))?;
        let known: Vec<String> = fields.iter().map(|f| format!("{}.{}", f.node_id, f.field_name)).collect();
        let field = fields.iter_mut().find(|f| f.node_id == node && f.field_name == name).ok_or_else(|| {
            (2, format!("--set {set}: {shown} has no field {node}.{name} (it has {})", known.join(", ")))
        })?;
        field.field_value = serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        let path = std::path::Path::new(raw.strip_prefix("file://").unwrap_or(raw));
        if path.is_file() {
            picked.push(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        }
    }
    Ok(RunRequest {
        name: shown,
        count,
        work: Work::Template { template_id: template_id.to_string(), fields },
        local_files: LocalFiles::Picked(picked),
        models: Vec::new(),
    })
}

/// 2 when the document or an input is at fault (nothing was sent), 1 otherwise.
fn exit_code(e: &EngineError) -> u8 {
    if matches!(
        e.code(),
        ErrorCode::InvalidWorkflow | ErrorCode::InvalidInput | ErrorCode::UnmappedModel | ErrorCode::NotFound
    ) {
        2
    } else {
        1
    }
}

/// Asks on the terminal; without one (scripts, CI) the answer is no.
fn ask(total: f64, threshold: f64) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("This batch is estimated at {total} credits (above {threshold}). Run it? [y/N] ");
    // If stderr cannot be flushed the question may show late; the answer is still read.
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes")
}

/// Connects, opens the library, starts runs, shows their events and waits for all.
pub(crate) async fn drive(target: &Target, workflow: Option<&Workflow>, start: Start) -> ExitCode {
    let backend = match crate::backend::connect(target.backend, target.endpoint.as_deref()).await {
        Ok(b) => b,
        Err(e) => return fail(1, &e),
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<JobEvent>();
    let sink: EventSink = Arc::new(move |event| {
        // The receiver lives until every run ends; a send after that has no one to tell.
        let _ = tx.send(event);
    });
    let library = target.library.clone().unwrap_or_else(easel_engine::default_library);
    let limits = RunLimits { concurrency: target.concurrency.max(1), ..RunLimits::default() };
    let engine = match Engine::open(&library, backend.server.engine_backend(), sink, limits) {
        Ok(e) => e,
        Err(e) => return fail(1, &e.to_string()),
    };
    let (handles, sweep_id) = match start.begin(&engine).await {
        Ok(h) => h,
        Err((code, message)) => return fail(code, &message),
    };
    drop(engine);
    let json = target.json;
    let mut line = ProgressLine::new(workflow, handles.len());
    // Runs that failed without a task: a resume marks a journal row it cannot read failed and
    // reports it by event only, so the exit status must count those events too.
    let driven: std::collections::HashSet<String> = handles.iter().map(|h| h.run_id.clone()).collect();
    let printer = tokio::spawn(async move {
        let mut failed_untracked = 0usize;
        while let Some(event) = rx.recv().await {
            if matches!(event.change, easel_engine::JobChange::Failed { .. }) && !driven.contains(&event.run_id) {
                failed_untracked += 1;
            }
            if json {
                match serde_json::to_string(&event) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("easel: cannot encode an event: {e}"),
                }
            } else {
                line.show(&event);
            }
        }
        line.finish();
        failed_untracked
    });
    let mut paths = Vec::new();
    let mut failed = 0;
    for handle in handles {
        match handle.task.await {
            Ok(outcome) => {
                failed += usize::from(outcome.error.is_some());
                paths.extend(outcome.images.into_iter().map(|i| i.path));
            }
            Err(e) => {
                failed += 1;
                eprintln!("easel: a run stopped unexpectedly: {e}");
            }
        }
    }
    // Every run has ended, so the engine and the sink's sender are gone: the printer drains and stops.
    match printer.await {
        Ok(untracked) => failed += untracked,
        Err(e) => eprintln!("easel: progress display failed: {e}"),
    }
    if !json {
        for path in &paths {
            println!("{path}");
        }
    }
    if let Some(sweep_id) = sweep_id {
        // The last cell's task composed the grid before it resolved.
        let journal = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE));
        match journal.and_then(|j| j.sweep(&sweep_id)) {
            Ok(Some(easel_engine::SweepRecord { grid_path: Some(grid), .. })) if json => {
                println!("{}", serde_json::json!({"sweepId": sweep_id, "grid": grid}))
            }
            Ok(Some(easel_engine::SweepRecord { grid_path: Some(grid), .. })) => println!("grid: {grid}"),
            Ok(_) => {
                eprintln!("easel: sweep {sweep_id}: no grid was made (no cell saved an image)");
                failed += 1;
            }
            Err(e) => {
                eprintln!("easel: sweep {sweep_id}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Applies `NODE.INPUT=VALUE`; the node id may itself contain dots or colons ("37:0"), so the
/// input name is what follows the last dot.
fn apply_set(workflow: &mut Workflow, set: &str) -> Result<(), String> {
    let (target, raw) = set.split_once('=').ok_or("expected NODE.INPUT=VALUE")?;
    let (node, input) = target.rsplit_once('.').ok_or("expected NODE.INPUT before '='")?;
    if !workflow.nodes.contains_key(node) {
        return Err(format!("there is no node {node}"));
    }
    let value = serde_json::from_str::<Value>(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    workflow.set_value(node, input, value).map_err(|e| e.to_string())
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("easel: {message}");
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_parses_json_or_string_and_names_missing_nodes() {
        let mut w = Workflow::from_json_str(easel_workflow::REFERENCE_WORKFLOW).unwrap().workflow;
        apply_set(&mut w, "3.seed=42").unwrap();
        apply_set(&mut w, "6.text=a red fox").unwrap();
        assert_eq!(w.nodes["3"].number("seed"), Some(42.0));
        assert_eq!(w.nodes["6"].inputs["text"].value().unwrap(), "a red fox");
        assert_eq!(apply_set(&mut w, "99.seed=1").unwrap_err(), "there is no node 99");
        assert!(apply_set(&mut w, "3seed").is_err());
    }
}
