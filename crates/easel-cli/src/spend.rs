//! `easel spend`: what the library's runs cost, from the journal's ledger (the numbers the app's
//! History view charts): totals per day, week, month, workflow or backend, today's and this
//! month's spend against the caps, and setting the caps (`--daily-cap 50`, `--monthly-cap off`)
//! that every front door's runs on this library are checked against. Reads and writes the
//! journal only: nothing is sent. Exit codes: 0 done, 2 a bad argument, 1 the journal failed.

use std::path::PathBuf;
use std::process::ExitCode;

use easel_engine::{SpendBy, SpendCaps, Store};

/// `easel spend` options.
#[derive(clap::Args)]
pub(crate) struct SpendArgs {
    /// Library folder (default: $EASEL_LIBRARY or ~/Pictures/Easel).
    #[arg(long)]
    library: Option<PathBuf>,
    /// How to group the totals.
    #[arg(long, value_enum, default_value_t = By::Day)]
    by: By,
    /// Only runs from this local date on (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Set the daily cap in credits, or `off`.
    #[arg(long, value_name = "CREDITS|off")]
    daily_cap: Option<String>,
    /// Set the monthly cap in credits, or `off`.
    #[arg(long, value_name = "CREDITS|off")]
    monthly_cap: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum By {
    Day,
    Week,
    Month,
    Workflow,
    Backend,
}

pub(crate) fn run(args: SpendArgs) -> ExitCode {
    match report(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("easel spend: {message}");
            ExitCode::from(code)
        }
    }
}

fn report(args: SpendArgs) -> Result<(), (u8, String)> {
    let store = open_journal(args.library)?;
    if args.daily_cap.is_some() || args.monthly_cap.is_some() {
        let mut caps = store.spend_caps().map_err(|e| (1, e.to_string()))?;
        if let Some(text) = &args.daily_cap {
            caps.daily = cap_value(text, "--daily-cap")?;
        }
        if let Some(text) = &args.monthly_cap {
            caps.monthly = cap_value(text, "--monthly-cap")?;
        }
        store.set_spend_caps(caps).map_err(|e| (2, e.to_string()))?;
    }
    let since = match &args.since {
        Some(date) => Some(day_start(&store, date, "--since")?),
        None => None,
    };
    let by = match args.by {
        By::Day => SpendBy::Day,
        By::Week => SpendBy::Week,
        By::Month => SpendBy::Month,
        By::Workflow => SpendBy::Workflow,
        By::Backend => SpendBy::Backend,
    };
    let report = store.spend(by, since).map_err(|e| (1, e.to_string()))?;
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| (1, e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!("{:<24} {:>6} {:>6} {:>12} {:>12}", "", "runs", "failed", "charged", "pending");
    for row in report.rows.iter().chain([&report.total]) {
        println!("{:<24} {:>6} {:>6} {:>12.2} {:>12.2}", row.key, row.runs, row.failed, row.charged, row.pending);
    }
    println!("today: {:.2}{}", report.today, of_cap(report.caps.daily));
    println!("this month: {:.2}{}", report.this_month, of_cap(report.caps.monthly));
    Ok(())
}

fn of_cap(cap: Option<f64>) -> String {
    cap.map(|c| format!(" of a {c} cap")).unwrap_or_else(|| " (no cap)".into())
}

/// A cap given on the command line: credits, or `off` for none.
fn cap_value(text: &str, flag: &str) -> Result<Option<f64>, (u8, String)> {
    if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let credits: f64 = text.parse().map_err(|_| (2, format!("{flag} {text}: expected credits or `off`")))?;
    SpendCaps { daily: Some(credits), monthly: None }
        .validated()
        .map_err(|_| (2, format!("{flag} {text}: a cap is a number of credits from 0 to {}", easel_engine::MAX_CAP)))?;
    Ok(Some(credits))
}

/// The library's journal (created when missing, as every front door does).
pub(crate) fn open_journal(library: Option<PathBuf>) -> Result<Store, (u8, String)> {
    let library = library.unwrap_or_else(easel_engine::default_library);
    std::fs::create_dir_all(&library).map_err(|e| (1, format!("{}: {e}", library.display())))?;
    Store::open(&library.join(easel_engine::DATABASE_FILE)).map_err(|e| (1, e.to_string()))
}

/// The start of a local date given as `flag`.
pub(crate) fn day_start(store: &Store, date: &str, flag: &str) -> Result<i64, (u8, String)> {
    store
        .local_day_start(date)
        .map_err(|e| (1, e.to_string()))?
        .ok_or((2, format!("{flag} {date}: expected a date as YYYY-MM-DD")))
}

/// `YYYY-MM-DD HH:MM` (UTC) of unix seconds, for listings.
pub(crate) fn utc_minute(secs: i64) -> String {
    let (year, month, day) = easel_library::civil_date(secs);
    let minute = secs.rem_euclid(86_400) / 60;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}Z", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_print_as_utc_dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00Z");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00:00Z");
        assert_eq!(utc_minute(1_796_169_600 + 3_660), "2026-12-02 01:01Z");
    }

    #[test]
    fn caps_parse_or_say_why() {
        assert_eq!(cap_value("off", "--daily-cap").unwrap(), None);
        assert_eq!(cap_value("12.5", "--daily-cap").unwrap(), Some(12.5));
        assert!(cap_value("-1", "--daily-cap").unwrap_err().1.contains("from 0"));
        assert!(cap_value("lots", "--daily-cap").unwrap_err().1.contains("expected credits"));
    }
}
