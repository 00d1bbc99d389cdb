//! The app's backend state: the engine and which service it talks to. With no API key the app
//! runs on the offline demo, the emulator started in process on 127.0.0.1 with a throwaway key.
//! Choosing the real service from Settings (key in the keychain) comes with the Settings view.

use std::sync::Arc;

use easel_emulator::{Emulator, EmulatorConfig};
use easel_engine::{Engine, EventSink, RunLimits};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};
use serde::Serialize;
use ts_rs::TS;

/// Which service the app talks to, for the UI's badge.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackendInfo {
    /// `demo` (in-process emulator) or `tams`.
    #[ts(type = "\"demo\" | \"tams\"")]
    pub kind: String,
    /// Base URL.
    pub endpoint: String,
}

/// Everything commands need, managed by Tauri.
pub struct AppState {
    pub engine: Engine,
    pub info: BackendInfo,
    _emulator: Option<Emulator>,
}

impl AppState {
    /// Starts the offline demo backend and opens the library.
    pub async fn start(sink: EventSink) -> Result<AppState, Box<dyn std::error::Error>> {
        let key = uuid::Uuid::new_v4().simple().to_string();
        let mut config = EmulatorConfig { api_key: key.clone(), ..EmulatorConfig::default() };
        // The demo's pace (ms per sampler step); slower demos make long-running states visible.
        if let Some(ms) = std::env::var("EASEL_DEMO_STEP_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
            config.step_delay = std::time::Duration::from_millis(ms);
        }
        let emulator = Emulator::start(config).await?;
        let endpoint = emulator.base_url();
        let client = Client::new(
            ClientConfig::new(endpoint.clone(), Auth::Bearer(Sensitive::new(key))),
            Arc::new(Budget::tams_default()),
        )?;
        let engine = Engine::open(&easel_engine::default_library(), client, sink, RunLimits::default())?;
        // Runs a previous session left unfinished on this backend carry on; their events reach
        // the window like any other run's.
        engine.resume()?;
        Ok(AppState { engine, info: BackendInfo { kind: "demo".into(), endpoint }, _emulator: Some(emulator) })
    }
}
