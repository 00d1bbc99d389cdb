//! `easel run` and `easel resume`: read a workflow file, apply `--set` edits, queue one run or a
//! batch, show progress from the engine's events (a bar, or one JSON event per line with
//! `--json`) and print the saved image paths. Exit codes: 0 every run succeeded, 2 the file or
//! an edit is invalid (nothing was sent), 1 anything else (service, network, storage).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use easel_engine::{seed_inputs, Engine, EventSink, JobEvent, RunHandle, RunLimits, RunRequest, SeedControl, SeedMode};
use easel_workflow::Workflow;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::progress::ProgressLine;

/// Where runs go and how they are shown; shared by `run` and `resume`.
#[derive(clap::Args)]
pub(crate) struct Target {
    /// TAMS base URL; without it the in-process offline emulator is used.
    #[arg(long)]
    endpoint: Option<String>,
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
    /// The workflow file.
    workflow: PathBuf,
    /// Change an input before running: NODE.INPUT=VALUE (VALUE is JSON, or else a string).
    #[arg(long = "set", value_name = "NODE.INPUT=VALUE")]
    sets: Vec<String>,
    /// Number of runs in the batch.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// How seed inputs change across the batch (default: increment when --count > 1).
    #[arg(long, value_enum)]
    seed_mode: Option<SeedArg>,
    #[command(flatten)]
    target: Target,
}

#[derive(clap::Args)]
pub(crate) struct ResumeArgs {
    #[command(flatten)]
    target: Target,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum SeedArg {
    Fixed,
    Increment,
    Decrement,
    Randomize,
}

pub(crate) async fn run(args: RunArgs) -> ExitCode {
    let shown = args.workflow.display().to_string();
    let mut workflow = match std::fs::read_to_string(&args.workflow)
        .map_err(|e| e.to_string())
        .and_then(|text| Workflow::from_json_str(&text).map_err(|e| e.to_string()))
    {
        Ok(imported) => imported.workflow,
        Err(e) => return fail(2, &format!("{shown}: {e}")),
    };
    for set in &args.sets {
        if let Err(e) = apply_set(&mut workflow, set) {
            return fail(2, &format!("--set {set}: {e}"));
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
    let name = args.workflow.file_stem().and_then(|s| s.to_str()).unwrap_or("workflow").to_string();
    let request = RunRequest { workflow: workflow.clone(), name, count: args.count, seeds, editor_workflow: None };
    drive(&args.target, Some(&workflow), |engine| {
        engine
            .submit(&request)
            .map_err(|e| (if e.code() == "invalidWorkflow" { 2 } else { 1 }, format!("{shown}: {e}")))
    })
    .await
}

pub(crate) async fn resume(args: ResumeArgs) -> ExitCode {
    drive(&args.target, None, |engine| engine.resume().map_err(|e| (1, e.to_string()))).await
}

/// Connects, opens the library, starts runs with `start`, shows their events and waits for all.
async fn drive(
    target: &Target,
    workflow: Option<&Workflow>,
    start: impl FnOnce(&Engine) -> Result<Vec<RunHandle>, (u8, String)>,
) -> ExitCode {
    let backend = match crate::backend::connect(target.endpoint.as_deref()).await {
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
    let engine = match Engine::open(&library, backend.client.clone(), sink, limits) {
        Ok(e) => e,
        Err(e) => return fail(1, &e.to_string()),
    };
    let handles = match start(&engine) {
        Ok(h) => h,
        Err((code, message)) => return fail(code, &message),
    };
    drop(engine);
    let json = target.json;
    let mut line = ProgressLine::new(workflow, handles.len());
    let printer = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
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
    if let Err(e) = printer.await {
        eprintln!("easel: progress display failed: {e}");
    }
    if !json {
        for path in &paths {
            println!("{path}");
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
