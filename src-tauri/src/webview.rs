//! WebKit settings the app gives its window's web context once the window exists. Only the
//! cache model today: the page is one local single-page app whose resources come from the
//! bundle and the `easel://` scheme, so WebKit's browser-sized memory and back/forward caches
//! hold nothing worth keeping (measured in BENCHMARKS.md, "Start-up and idle memory"). What
//! this leaves out: the web process's memory-pressure limits, which WebKit only takes when the
//! context is created, before Tauri hands it over.

/// With this variable set (to anything) WebKit keeps its defaults: the UI benchmark measures
/// what the settings buy against it, in the same run.
pub const KEEP_WEBKIT_DEFAULTS: &str = "EASEL_WEBKIT_DEFAULTS";

/// Applies the settings to the `main` window's webview; a failure is logged, never fatal (the
/// defaults work, they only cost memory).
pub fn tune(app: &tauri::App) {
    use tauri::Manager;
    if std::env::var_os(KEEP_WEBKIT_DEFAULTS).is_some() {
        eprintln!("easel-app: WebKit keeps its default settings ({KEEP_WEBKIT_DEFAULTS})");
        return;
    }
    let Some(window) = app.get_webview_window("main") else {
        eprintln!("easel-app: no main window to tune");
        return;
    };
    if let Err(e) = window.with_webview(apply) {
        eprintln!("easel-app: could not tune the webview: {e}");
    }
}

#[cfg(target_os = "linux")]
fn apply(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
    match webview.inner().context() {
        Some(context) => context.set_cache_model(CacheModel::DocumentViewer),
        None => eprintln!("easel-app: the webview has no web context to tune"),
    }
}

#[cfg(not(target_os = "linux"))]
fn apply(_webview: tauri::webview::PlatformWebview) {}
