//! `easel history`: every run the library's journal holds, newest first, the same list the app's
//! History view shows (runs of the app and of scripts alike). Filters by status, workflow name,
//! backend, start date, sweep and words of the name or prompt; prints one line per run, or a JSON array
//! with `--json`. Reads the journal only: nothing is sent. Exit codes: 0 listed, 2 a bad
//! argument, 1 the journal could not be read.

use std::path::PathBuf;
use std::process::ExitCode;

use easel_engine::{HistoryFilter, RunStatus, Store, MAX_HISTORY_PAGE};

/// `easel history` options.
#[derive(clap::Args)]
pub(crate) struct HistoryArgs {
    /// Library folder (default: $EASEL_LIBRARY or ~/Pictures/Easel).
    #[arg(long)]
    library: Option<PathBuf>,
    /// Only runs with this status (queued, submitted, succeeded, failed, canceled); repeatable.
    #[arg(long = "status", value_name = "STATUS")]
    statuses: Vec<String>,
    /// Only runs of this workflow name.
    #[arg(long)]
    workflow: Option<String>,
    /// Only runs on this backend label.
    #[arg(long)]
    backend: Option<String>,
    /// Only runs recorded on or after this local date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Words to find in the workflow name or the prompt text.
    #[arg(long)]
    search: Option<String>,
    /// Only the cells of this sweep (its id, as `easel history --json` shows it).
    #[arg(long)]
    sweep: Option<String>,
    /// Most runs to print.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Print a JSON array of runs instead of one line per run.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: HistoryArgs) -> ExitCode {
    match list(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("easel history: {message}");
            ExitCode::from(code)
        }
    }
}

fn list(args: HistoryArgs) -> Result<(), (u8, String)> {
    let store = crate::spend::open_journal(args.library)?;
    let mut statuses = Vec::new();
    for status in &args.statuses {
        statuses.push(RunStatus::parse(status).ok_or((2, format!("--status {status}: not a run status")))?);
    }
    let since = match &args.since {
        Some(date) => Some(crate::spend::day_start(&store, date, "--since")?),
        None => None,
    };
    let filter = HistoryFilter {
        statuses,
        workflow: args.workflow,
        backend: args.backend,
        since,
        until: None,
        text: args.search,
        sweep: args.sweep,
    };
    let runs = collect(&store, &filter, args.limit)?;
    if args.json {
        let text = serde_json::to_string_pretty(&runs).map_err(|e| (1, e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    for run in &runs {
        let credits = run.credits.or(run.estimate).map(|c| format!("{c} cr")).unwrap_or_else(|| "-".into());
        let error = run.error_code.map(|c| format!("  [{c}]")).unwrap_or_default();
        let cell = run.sweep_cell.map(|c| format!("  sweep cell {},{},{}", c.x, c.y, c.z)).unwrap_or_default();
        println!(
            "{}  {:<9}  {:>9}  {:>2} img  {}  {}{cell}{error}",
            crate::spend::utc_minute(run.created_at),
            run.status.as_str(),
            credits,
            run.image_count,
            run.name,
            run.run_id
        );
    }
    Ok(())
}

/// Up to `limit` runs, page by page.
fn collect(store: &Store, filter: &HistoryFilter, limit: u32) -> Result<Vec<easel_engine::HistoryRun>, (u8, String)> {
    let mut runs = Vec::new();
    let mut after = None;
    // Bounded: each page holds at least one run or ends the loop.
    while (runs.len() as u32) < limit {
        let want = (limit - runs.len() as u32).min(MAX_HISTORY_PAGE);
        let page = store.history(filter, after.as_ref(), want).map_err(|e| (1, e.to_string()))?;
        if page.skipped > 0 {
            eprintln!("easel history: {} run(s) left out: their journal rows cannot be read", page.skipped);
        }
        runs.extend(page.runs);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(runs)
}
