//! The window opens while the backend starts. Opening the library and the journal, starting the
//! offline demo's emulator and taking back the runs a previous session left take about half a
//! second; done before the event loop, they held the window back for all of it (issue 18). Now
//! the backend starts on the async runtime beside the webview, and every command the page calls
//! before it is up is held, in order, then run as if it had just arrived. Images the `easel://`
//! scheme is asked for wait the same way. This module only holds and lets go; what starting
//! means is `backend::AppState::start`.

use std::sync::{Arc, Mutex};

use tauri::ipc::Invoke;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;

/// The commands that arrived before the backend was up, and whether it is.
pub struct Startup<R: Runtime> {
    /// `None` once the backend is up: commands then go straight through.
    held: Mutex<Option<Vec<Invoke<R>>>>,
    up: watch::Sender<bool>,
}

impl<R: Runtime> Default for Startup<R> {
    fn default() -> Self {
        Startup { held: Mutex::new(Some(Vec::new())), up: watch::Sender::new(false) }
    }
}

impl<R: Runtime> Startup<R> {
    /// Runs `invoke` through `handler` now, or holds it until `finished`. Returns what the invoke
    /// handler must (whether the command exists); a held command is answered when it runs.
    pub fn route(&self, invoke: Invoke<R>, handler: &dyn Fn(Invoke<R>) -> bool) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        match held.as_mut() {
            Some(waiting) => {
                waiting.push(invoke);
                true
            }
            None => {
                drop(held);
                handler(invoke)
            }
        }
    }

    /// The backend is up (its state managed): runs the held commands in arrival order on the main
    /// thread, where Tauri routes commands, and lets every later one straight through. Done in one
    /// step there, so no command that arrives meanwhile can overtake a held one.
    pub fn finished(self: Arc<Self>, app: &AppHandle<R>, handler: impl Fn(Invoke<R>) -> bool + Send + 'static) {
        let replay = move || {
            let waiting = self.held.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_default();
            for invoke in waiting {
                let command = invoke.message.command().to_string();
                let resolver = invoke.resolver.clone();
                if !handler(invoke) {
                    resolver.reject(format!("Command {command} not found"));
                }
            }
            self.up.send_replace(true);
        };
        if let Err(e) = app.run_on_main_thread(replay) {
            eprintln!("easel-app: the commands sent while starting could not be run: {e}");
        }
    }

    /// Waits until the backend is up.
    pub async fn up(&self) {
        let mut up = self.up.subscribe();
        // Fails only once the sender is dropped, and `self` holds it: said, not hidden, should
        // that ever change.
        if up.wait_for(|up| *up).await.is_err() {
            eprintln!("easel-app: the start signal was dropped before the backend was up");
        }
    }
}

/// The app's state once the backend is up, waiting for it before then; `None` only when the app
/// ends before it is.
pub async fn state<R: Runtime>(app: &AppHandle<R>) -> Option<tauri::State<'_, crate::backend::AppState>> {
    if let Some(state) = app.try_state::<crate::backend::AppState>() {
        return Some(state);
    }
    app.try_state::<Arc<Startup<R>>>()?.up().await;
    app.try_state::<crate::backend::AppState>()
}
