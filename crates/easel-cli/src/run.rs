//! `easel run`: read a workflow file, start one run, show progress from the engine's events and
//! print the saved image paths. Exit codes: 0 success, 2 the file is not a valid workflow, 1
//! anything else (service, network, storage).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use easel_engine::{Engine, EventSink, JobEvent, RunLimits};
use easel_workflow::Workflow;
use tokio::sync::mpsc;

use crate::progress::ProgressLine;

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The workflow file.
    workflow: PathBuf,
    /// TAMS base URL; without it the in-process offline emulator is used.
    #[arg(long)]
    endpoint: Option<String>,
    /// Library folder the images are saved into.
    #[arg(long)]
    library: Option<PathBuf>,
}

pub(crate) async fn run(args: RunArgs) -> ExitCode {
    let shown = args.workflow.display().to_string();
    let text = match std::fs::read_to_string(&args.workflow) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("easel: {shown}: {e}");
            return ExitCode::from(2);
        }
    };
    let workflow = match Workflow::from_json_str(&text) {
        Ok(imported) => imported.workflow,
        Err(e) => {
            eprintln!("easel: {shown}: {e}");
            return ExitCode::from(2);
        }
    };
    let backend = match crate::backend::connect(args.endpoint.as_deref()).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("easel: {e}");
            return ExitCode::from(1);
        }
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<JobEvent>();
    let sink: EventSink = Arc::new(move |event| {
        // The receiver lives until the run ends; a send after that has no one to tell.
        let _ = tx.send(event);
    });
    let library = args.library.unwrap_or_else(easel_engine::default_library);
    let engine = match Engine::open(&library, backend.client.clone(), sink, RunLimits::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("easel: {e}");
            return ExitCode::from(1);
        }
    };
    let name = args.workflow.file_stem().and_then(|s| s.to_str()).unwrap_or("workflow");
    let handle = match engine.start(&workflow, name) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("easel: {shown}: {e}");
            return ExitCode::from(if e.code() == "invalidWorkflow" { 2 } else { 1 });
        }
    };
    drop(engine);
    let mut line = ProgressLine::new(&workflow);
    let printer = tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            line.show(&event.change);
        }
        line.finish();
    });
    let outcome = match handle.task.await {
        Ok(o) => o,
        Err(e) => {
            eprintln!("easel: the run stopped unexpectedly: {e}");
            return ExitCode::from(1);
        }
    };
    // The engine (and with it the sink's sender) is gone once the run ends, closing the channel.
    if let Err(e) = printer.await {
        eprintln!("easel: progress display failed: {e}");
    }
    for image in &outcome.images {
        println!("{}", image.path);
    }
    match outcome.error {
        None => ExitCode::SUCCESS,
        Some(e) => {
            eprintln!("easel: {e}");
            ExitCode::from(1)
        }
    }
}
