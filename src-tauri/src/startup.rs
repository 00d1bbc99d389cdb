//! The window opens while the backend starts. Opening the library and the journal, starting the
//! offline demo's emulator and taking back the runs a previous session left take about half a
//! second; done before the event loop, they held the window back for all of it (issue 18). Now
//! the backend starts on the async runtime beside the webview, and every command the page calls
//! before it is up is held, in order, then run as if it had just arrived. Images the `easel://`
//! scheme is asked for wait the same way. Should the backend fail to start, the window stays
//! open and every held and later command is answered with that error, so the page says what
//! broke (and where) instead of the window vanishing. This module only holds and lets go; what
//! starting means is `backend::AppState::start`.

use std::sync::{Arc, Mutex};

use tauri::ipc::Invoke;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;

use crate::AppError;

/// Where the backend's start is.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Starting,
    Up,
    Failed,
}

/// What happens to a command that arrives now.
enum Gate<R: Runtime> {
    /// Held, in arrival order.
    Holding(Vec<Invoke<R>>),
    /// Straight through.
    Open,
    /// Answered with the error the backend's start failed with.
    Failed(AppError),
}

/// The commands that arrived before the backend was up, and whether it is.
pub struct Startup<R: Runtime> {
    gate: Mutex<Gate<R>>,
    stage: watch::Sender<Stage>,
}

impl<R: Runtime> Default for Startup<R> {
    fn default() -> Self {
        Startup { gate: Mutex::new(Gate::Holding(Vec::new())), stage: watch::Sender::new(Stage::Starting) }
    }
}

impl<R: Runtime> Startup<R> {
    /// Runs `invoke` through `handler` now, holds it until `finished`, or after a failed start
    /// answers it with that start's error. Returns what the invoke handler must (whether the
    /// command exists); a held command is answered when it runs.
    pub fn route(&self, invoke: Invoke<R>, handler: &dyn Fn(Invoke<R>) -> bool) -> bool {
        let mut gate = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *gate {
            Gate::Holding(waiting) => {
                waiting.push(invoke);
                true
            }
            Gate::Failed(error) => {
                invoke.resolver.reject(error.clone());
                true
            }
            Gate::Open => {
                drop(gate);
                handler(invoke)
            }
        }
    }

    /// The backend is up (its state managed): runs the held commands in arrival order on the main
    /// thread, where Tauri routes commands, and lets every later one straight through. Done in one
    /// step there, so no command that arrives meanwhile can overtake a held one.
    pub fn finished(self: Arc<Self>, app: &AppHandle<R>, handler: impl Fn(Invoke<R>) -> bool + Send + 'static) {
        let replay = move || {
            let waiting = match std::mem::replace(&mut *self.gate.lock().unwrap_or_else(|p| p.into_inner()), Gate::Open)
            {
                Gate::Holding(waiting) => waiting,
                Gate::Open | Gate::Failed(_) => Vec::new(),
            };
            for invoke in waiting {
                let command = invoke.message.command().to_string();
                let resolver = invoke.resolver.clone();
                if !handler(invoke) {
                    resolver.reject(format!("Command {command} not found"));
                }
            }
            self.stage.send_replace(Stage::Up);
        };
        if let Err(e) = app.run_on_main_thread(replay) {
            eprintln!("easel-app: the commands sent while starting could not be run: {e}");
        }
    }

    /// The backend could not start: the held commands, and every later one, are answered with
    /// `error`; images asked for are refused.
    pub fn failed(self: Arc<Self>, app: &AppHandle<R>, error: AppError) {
        let answer = move || {
            let gate = std::mem::replace(
                &mut *self.gate.lock().unwrap_or_else(|p| p.into_inner()),
                Gate::Failed(error.clone()),
            );
            if let Gate::Holding(waiting) = gate {
                for invoke in waiting {
                    invoke.resolver.reject(error.clone());
                }
            }
            self.stage.send_replace(Stage::Failed);
        };
        if let Err(e) = app.run_on_main_thread(answer) {
            eprintln!("easel-app: the commands sent while starting could not be answered: {e}");
        }
    }

    /// Waits until the backend's start is over; whether it is up.
    pub async fn up(&self) -> bool {
        let mut stage = self.stage.subscribe();
        // Fails only once the sender is dropped, and `self` holds it: said, not hidden, should
        // that ever change.
        let reached = stage.wait_for(|stage| *stage != Stage::Starting).await.map(|stage| *stage == Stage::Up);
        reached.unwrap_or_else(|_| {
            eprintln!("easel-app: the start signal was dropped before the backend was up");
            false
        })
    }
}

/// The app's state once the backend is up, waiting for it before then; `None` when its start
/// failed or the app ends before it is up.
pub async fn state<R: Runtime>(app: &AppHandle<R>) -> Option<tauri::State<'_, crate::backend::AppState>> {
    if let Some(state) = app.try_state::<crate::backend::AppState>() {
        return Some(state);
    }
    if !app.try_state::<Arc<Startup<R>>>()?.up().await {
        return None;
    }
    app.try_state::<crate::backend::AppState>()
}
