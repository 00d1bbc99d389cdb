//! The desktop app: Tauri glue only. It starts the backend the settings choose (the offline
//! emulator when none or no key), wires the engine's events to the window as `job://event`,
//! serves library images and thumbnails through the `easel://` scheme, keeps preferences and
//! favourites in tauri-plugin-store files, and exposes thin commands. Logic lives in crates/.

mod backend;
#[cfg(feature = "bench")]
mod bench_probe;
#[cfg(test)]
mod command_list;
mod commands;
mod desktop;
mod error;
mod frames;
mod images;
mod offered;
mod prefs;
mod rendering;
mod runs;
mod startup;

use tauri::{Emitter, Manager};

pub use backend::BackendInfo;
pub use error::AppError;

/// Event name carrying the `JobEvent`s of runs no window call started (resumed at launch), as
/// arrays (`frames.rs`).
pub const JOB_EVENT: &str = "job://event";
/// Event name telling the window which gallery images changed (empty: reload everything).
pub const LIBRARY_CHANGED: &str = "library://changed";
/// Event name carrying folder-import progress.
pub const LIBRARY_IMPORT: &str = "library://import";

/// Builds and runs the app; returns when the last window closes.
pub fn run() {
    // The list's `module::name` paths, as the invoke handler.
    macro_rules! commands {
        ($($module:ident :: $name:ident),* $(,)?) => {
            tauri::generate_handler![$(commands::$module::$name),*]
        };
    }
    let context = tauri::generate_context!();
    let rendering = rendering::choose(&context.config().identifier);
    let commands: std::sync::Arc<dyn Fn(tauri::ipc::Invoke) -> bool + Send + Sync> =
        std::sync::Arc::new(include!("commands/list.rs"));
    let startup = std::sync::Arc::new(startup::Startup::<tauri::Wry>::default());
    let (handler, held) = (commands.clone(), startup.clone());
    // Drops are remembered from the first moment, before the backend (and its state) is up.
    let offered = std::sync::Arc::new(offered::OfferedFiles::default());
    let builder = tauri::Builder::default()
        .manage(rendering)
        .manage(startup.clone())
        .manage(offered.clone())
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .register_asynchronous_uri_scheme_protocol("easel", images::serve)
        .invoke_handler(move |invoke| held.route(invoke, &*handler))
        .setup(move |app| {
            // Events of runs no window call started (resumed at launch), as arrays at most once
            // a frame; a call's own batch goes to that call's channel (`runs::Caller`).
            let window = app.handle().clone();
            let sink = frames::to_window(app.handle().clone(), JOB_EVENT, move |batch| window.emit(JOB_EVENT, &batch));
            #[cfg(debug_assertions)]
            e2e_drops(app)?;
            #[cfg(feature = "bench")]
            bench_probe::listen(app)?;
            let prefs = prefs::Prefs::open(app.handle())?;
            // The backend starts beside the webview; commands the page sends before it is up wait.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                #[cfg(debug_assertions)]
                e2e_slow_start().await;
                match backend::AppState::start(prefs, sink, offered).await {
                    Ok(state) => {
                        handle.manage(state);
                        startup.finished(&handle, move |invoke| commands(invoke));
                    }
                    Err(e) => {
                        // The window stays open and every command answers with this error, so
                        // the page says what broke instead of vanishing.
                        eprintln!("easel-app: cannot start: {}", e.message);
                        startup.failed(&handle, e);
                    }
                }
            });
            Ok(())
        })
        .on_window_event(|window, event| {
            // The drop as the window system reported it: the only source of dropped paths.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(offered) = window.try_state::<std::sync::Arc<offered::OfferedFiles>>() {
                    offered.offer(paths.iter().cloned());
                }
            }
        });
    // The UI benchmark's page probe, only when built for it.
    #[cfg(feature = "bench")]
    let builder = match bench_probe::plugin() {
        Some(probe) => builder.plugin(probe),
        None => builder,
    };
    match builder.build(context) {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("easel-app: cannot start: {e}");
            std::process::exit(1);
        }
    }
}

/// Tells the gallery about an image a run just saved.
fn announce_saved(app: &tauri::AppHandle, event: &easel_engine::JobEvent) {
    if let easel_engine::JobChange::ImageSaved { image, .. } = &event.change {
        if let Some(id) = image.id {
            commands::library::announce(app, &[id]);
        }
    }
}

/// Debug builds only (the end-to-end tests'): `EASEL_E2E_START_DELAY_MS` holds the backend's start
/// back, so a journey sees the page call commands before the backend is up (`startup.rs`).
#[cfg(debug_assertions)]
async fn e2e_slow_start() {
    if let Some(ms) = std::env::var("EASEL_E2E_START_DELAY_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        tokio::time::sleep(std::time::Duration::from_millis(ms.min(10_000))).await;
    }
}

/// The event by which the end-to-end tests offer the files they are about to drop (heard only
/// by debug builds).
pub const E2E_OFFER: &str = "easel-e2e://offer";

/// Debug builds only (the end-to-end tests'): WebDriver cannot make a real OS drop under Xvfb, so
/// the tests emit Tauri's own drop event from the page. This grants the page that one extra
/// permission (`core:event:allow-emit`, absent from the shipped capability) and counts the paths
/// of an `easel-e2e://offer` event as dropped; the tests emit it, and wait for it, before the drop
/// event itself. Taking the paths from the drop event instead raced: the page's own drop listener
/// could ask to use the file before this listener had recorded it (seen once under load). A real
/// drop has no such race: the window event handler above records it on the main thread before
/// the page hears of the drop. Release builds have neither.
#[cfg(debug_assertions)]
fn e2e_drops(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    use tauri::Listener;
    app.add_capability(
        tauri::ipc::CapabilityBuilder::new("e2e-simulated-drops").window("main").permission("core:event:allow-emit"),
    )?;
    let handle = app.handle().clone();
    app.listen_any(E2E_OFFER, move |event| {
        #[derive(serde::Deserialize)]
        struct Dropped {
            paths: Vec<std::path::PathBuf>,
        }
        match serde_json::from_str::<Dropped>(event.payload()) {
            Ok(dropped) => {
                if let Some(offered) = handle.try_state::<std::sync::Arc<offered::OfferedFiles>>() {
                    offered.offer(dropped.paths);
                }
            }
            Err(e) => eprintln!("easel-app: a simulated drop without paths: {e}"),
        }
    });
    Ok(())
}
