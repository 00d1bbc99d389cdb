//! The window opens while the backend starts. Opening the library and the journal, starting the
//! offline demo's emulator and taking back the runs a previous session left take about half a
//! second; done before the event loop, they held the window back for all of it (issue 18). Now
//! the backend starts on the async runtime beside the webview, and every command the page calls
//! before it is up is held, in order, then run as if it had just arrived. Images the `easel://`
//! scheme is asked for wait the same way. Should the backend fail to start, the window stays
//! open and every held and later command is answered with that error, so the page says what
//! broke (and where) instead of the window vanishing. This module only holds and lets go; what
//! starting means is `backend::AppState::start`.

use std::sync::{Arc, Mutex, MutexGuard};

use tauri::ipc::Invoke;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::AppError;

/// What happens to a command that arrives now; also where the backend's start is.
enum Gate<R: Runtime> {
    /// Starting: held, in arrival order.
    Holding(Vec<Invoke<R>>),
    /// Up: straight through.
    Open,
    /// The start failed: answered with its error.
    Failed(AppError),
}

/// The commands that arrived before the backend was up, and whether it is.
pub struct Startup<R: Runtime> {
    gate: Mutex<Gate<R>>,
    /// Wakes `up`'s waiters once the gate has left `Holding`.
    settled: Notify,
}

impl<R: Runtime> Default for Startup<R> {
    fn default() -> Self {
        Startup { gate: Mutex::new(Gate::Holding(Vec::new())), settled: Notify::new() }
    }
}

impl<R: Runtime> Startup<R> {
    /// Runs `invoke` through `handler` now, holds it until `finished`, or after a failed start
    /// answers it with that start's error. Returns what the invoke handler must (whether the
    /// command exists); a held command is answered when it runs.
    pub fn route(&self, invoke: Invoke<R>, handler: &dyn Fn(Invoke<R>) -> bool) -> bool {
        let mut gate = self.lock();
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
        self.settle(app, Gate::Open, move |invoke| {
            let command = invoke.message.command().to_string();
            let resolver = invoke.resolver.clone();
            if !handler(invoke) {
                resolver.reject(format!("Command {command} not found"));
            }
        });
    }

    /// The backend could not start: the held commands, and every later one, are answered with
    /// `error`; images asked for are refused.
    pub fn failed(self: Arc<Self>, app: &AppHandle<R>, error: AppError) {
        let answer = error.clone();
        self.settle(app, Gate::Failed(error), move |invoke| invoke.resolver.reject(answer.clone()));
    }

    /// On the main thread: puts `next` in the gate, hands each held command to `each` in arrival
    /// order, then wakes `up`'s waiters.
    fn settle(self: Arc<Self>, app: &AppHandle<R>, next: Gate<R>, each: impl Fn(Invoke<R>) + Send + 'static) {
        let settle = move || {
            let held = std::mem::replace(&mut *self.lock(), next);
            if let Gate::Holding(waiting) = held {
                waiting.into_iter().for_each(&each);
            }
            self.settled.notify_waiters();
        };
        if let Err(e) = app.run_on_main_thread(settle) {
            eprintln!("easel-app: the commands sent while starting could not be answered: {e}");
        }
    }

    /// Waits until the backend's start is over; whether it is up.
    pub async fn up(&self) -> bool {
        // Made before the gate is read: `notify_waiters` wakes a future from when it is made, so
        // a start that settles between the read and the wait is not missed.
        let settled = self.settled.notified();
        if let Some(up) = self.outcome() {
            return up;
        }
        settled.await;
        self.outcome().unwrap_or(false)
    }

    /// `None` while starting, else whether the backend is up.
    fn outcome(&self) -> Option<bool> {
        match &*self.lock() {
            Gate::Holding(_) => None,
            Gate::Open => Some(true),
            Gate::Failed(_) => Some(false),
        }
    }

    /// The gate, also after a panic elsewhere left its lock poisoned (it holds no invariant a
    /// panic could break halfway).
    fn lock(&self) -> MutexGuard<'_, Gate<R>> {
        self.gate.lock().unwrap_or_else(|p| p.into_inner())
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
