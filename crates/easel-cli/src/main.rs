//! `easel`: Easel from a terminal. `run` submits a workflow and saves its images (against the
//! in-process emulator unless `--endpoint` is given); `emulator` serves the offline TAMS
//! emulator. Argument parsing and printing only; the work is done by the library crates.

mod backend;
mod progress;
mod run;

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
    /// Serve the offline TAMS emulator on 127.0.0.1.
    Emulator {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// API key the emulator accepts as `Bearer <key>`.
        #[arg(long, default_value = "demo")]
        api_key: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            Command::Emulator { port, api_key } => backend::serve_emulator(port, api_key).await,
        }
    })
}
