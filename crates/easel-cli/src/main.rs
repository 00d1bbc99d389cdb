//! `easel`: Easel from a terminal. `run` submits a workflow and saves its images (against the
//! in-process emulator unless `--endpoint` is given); `emulator` serves the offline TAMS
//! emulator (or, with `--flavor comfyui`, the ComfyUI one); `history` and `spend` read the run journal. Argument parsing and printing only; the work is done by the library crates.

mod backend;
mod check;
mod convert;
mod history;
mod library;
mod models;
mod progress;
mod run;
mod spend;
mod sweep;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "easel", version, about = "Run image-generation workflows on TAMS from a terminal")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a workflow (TAMS params or request body, or ComfyUI API JSON) and save its images.
    Run(run::RunArgs),
    /// Run a workflow over up to three axes (X, Y, Z) and compose the labelled grid.
    Sweep(sweep::SweepArgs),
    /// Convert a workflow (any format, detected by content) to ComfyUI API JSON or TAMS params.
    Convert(convert::ConvertArgs),
    /// Validate a workflow against node schemas and print every problem.
    Check(check::CheckArgs),
    /// Resume every run a previous process left unfinished in a library.
    Resume(run::ResumeArgs),
    /// The gallery index: import a folder of PNGs, search it.
    Library(library::LibraryArgs),
    /// Every run recorded in a library, newest first (status, credits, images, errors).
    History(history::HistoryArgs),
    /// What the library's runs cost (per day, week, month, workflow or backend) and the spend caps.
    Spend(spend::SpendArgs),
    /// Model files mapped to Tensor.Art model ids: map, list, unmap.
    Models(models::ModelsArgs),
    /// Serve the offline emulator on 127.0.0.1 (TAMS, or ComfyUI with `--flavor comfyui`).
    Emulator(backend::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Offline commands need no async runtime.
    let cli = match cli.command {
        Command::Convert(args) => return convert::run(args),
        Command::Check(args) => return check::run(args),
        Command::Library(args) => return library::run(args),
        Command::History(args) => return history::run(args),
        Command::Spend(args) => return spend::run(args),
        other => Cli { command: other },
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("easel: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run::run(args).await,
            Command::Sweep(args) => sweep::run(args).await,
            Command::Resume(args) => run::resume(args).await,
            Command::Models(args) => models::run(args).await,
            Command::Emulator(args) => backend::serve_emulator(args).await,
            Command::Convert(args) => convert::run(args),
            Command::Check(args) => check::run(args),
            Command::Library(args) => library::run(args),
            Command::History(args) => history::run(args),
            Command::Spend(args) => spend::run(args),
        }
    })
}
