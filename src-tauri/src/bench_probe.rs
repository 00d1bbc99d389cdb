//! The UI benchmark's probe, built only with the `bench` feature (never shipped): lets
//! `cargo bench --bench ui` measure the window without WebDriver, whose automation session is
//! itself a load on the web process. When `EASEL_BENCH_PAGE_SCRIPT` names a file, its script is
//! injected into the page before the app's own; the page reports what it measured as
//! `bench://report` events, and each report's JSON is appended as one line to the file named by
//! `EASEL_BENCH_REPORT`. It leaves out any driving of the window from outside: the script does
//! what a person would (clicks), from inside.

use std::io::Write;

use tauri::{Listener, Manager, Runtime};

/// The event a probing page emits, one per report.
const REPORT_EVENT: &str = "bench://report";

/// The plugin that injects the probe's script, if the benchmark asked for one.
pub fn plugin<R: Runtime>() -> Option<tauri::plugin::TauriPlugin<R>> {
    let path = std::env::var_os("EASEL_BENCH_PAGE_SCRIPT")?;
    match std::fs::read_to_string(&path) {
        Ok(script) => Some(tauri::plugin::Builder::new("bench-probe").js_init_script(script).build()),
        Err(e) => {
            eprintln!("easel-app: bench probe: cannot read {}: {e}", std::path::Path::new(&path).display());
            None
        }
    }
}

/// Lets the page emit its reports (the one permission it needs, absent from the shipped
/// capability) and appends each to the report file.
pub fn listen(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let Some(report) = std::env::var_os("EASEL_BENCH_REPORT") else { return Ok(()) };
    app.add_capability(
        tauri::ipc::CapabilityBuilder::new("bench-probe").window("main").permission("core:event:allow-emit"),
    )?;
    app.listen_any(REPORT_EVENT, move |event| {
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&report)
            .and_then(|mut file| writeln!(file, "{}", event.payload()));
        if let Err(e) = written {
            eprintln!("easel-app: bench probe: cannot write a report: {e}");
        }
    });
    Ok(())
}
