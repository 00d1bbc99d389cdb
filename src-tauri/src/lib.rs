//! The desktop app: Tauri glue only. It starts the backend (the offline emulator when no key is
//! configured), wires the engine's events to the window as `job://event`, serves library images
//! through the `easel://` scheme, and exposes a few thin commands. Logic lives in crates/.

mod backend;
mod commands;
mod error;
mod images;

use tauri::{Emitter, Manager};

pub use backend::BackendInfo;
pub use error::AppError;

/// Event name carrying every `JobEvent` to the window.
pub const JOB_EVENT: &str = "job://event";

/// Builds and runs the app; returns when the last window closes.
pub fn run() {
    let app = tauri::Builder::default()
        .register_asynchronous_uri_scheme_protocol("easel", images::serve)
        .invoke_handler(tauri::generate_handler![
            commands::open_default_workflow,
            commands::open_workflow_file,
            commands::import_workflow_text,
            commands::validate_workflow,
            commands::workflow_form,
            commands::estimate_credits,
            commands::run_workflow,
            commands::cancel_run,
            commands::backend_info,
        ])
        .setup(|app| {
            let handle = app.handle().clone();
            let sink: easel_engine::EventSink = std::sync::Arc::new(move |event| {
                if let Err(e) = handle.emit(JOB_EVENT, &event) {
                    eprintln!("easel-app: could not deliver an event to the window: {e}");
                }
            });
            let state = tauri::async_runtime::block_on(backend::AppState::start(sink))?;
            app.manage(state);
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("easel-app: cannot start: {e}");
            std::process::exit(1);
        }
    }
}
