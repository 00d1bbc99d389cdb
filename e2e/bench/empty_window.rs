//! An empty Tauri 2 window, built like the app (same crate, profile, features and window size):
//! the baseline the UI benchmark measures the app's start-up and idle memory beside. Not shipped:
//! it builds only with the `bench` feature. Its page is one line of HTML served by
//! a custom scheme, so it loads nothing but WebKit itself. It paints the way the app would
//! (`easel_settings::decide` on the `EMPTY_WINDOW_RENDERING` the benchmark passes), so both
//! are compared on the same WebKit path.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::http::{header, Response};

const PAGE: &str =
    "<!doctype html><html><head><meta charset=utf-8><title>Empty</title></head><body><p>Empty window</p></body></html>";

fn main() {
    let setting = std::env::var("EMPTY_WINDOW_RENDERING").unwrap_or_default();
    let setting = serde_json::from_value(serde_json::Value::String(setting)).unwrap_or_default();
    let choice = easel_settings::decide(setting, &easel_settings::GpuProbe::this_machine());
    choice.apply();
    eprintln!("empty-window: {}", choice.describe());
    let mut context = tauri::generate_context!();
    // The app's own window is made from this list; the empty one is made below instead.
    context.config_mut().app.windows.clear();
    let app = tauri::Builder::default()
        .register_uri_scheme_protocol("empty", |_ctx, _request| {
            Response::builder()
                .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
                .body(PAGE.as_bytes().to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = tauri::WebviewUrl::CustomProtocol("empty://localhost/".parse()?);
            tauri::WebviewWindowBuilder::new(app, "main", url).title("Empty").inner_size(1280.0, 800.0).build()?;
            Ok(())
        })
        .build(context);
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("empty-window: cannot start: {e}");
            std::process::exit(1);
        }
    }
}
