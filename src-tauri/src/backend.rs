//! The service the app talks to and the engine that runs jobs on it, built from the settings.
//! With no backend chosen (or no key for it) the app runs on the offline demo: the emulator in
//! process on 127.0.0.1 with a throwaway key. Settings can swap the backend while no run is active.

use easel_error::ErrorCode;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use easel_emulator::{Emulator, EmulatorConfig};
use easel_engine::{Engine, EventSink, RunLimits};
use easel_keychain::KeychainEntry;
use easel_settings::{AuthMode, Settings};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};
use serde::Serialize;
use ts_rs::TS;

use crate::prefs::Prefs;
use crate::AppError;

/// Which service the app talks to, for the UI's badge.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackendInfo {
    /// `demo` (in-process emulator), `tams` (a Tensor.Art region), `custom` (another TAMS URL)
    /// or `comfyui` (a ComfyUI server).
    #[ts(type = "\"demo\" | \"tams\" | \"custom\" | \"comfyui\"")]
    pub kind: String,
    /// What the backend can do (credits, templates, model ids, live previews).
    pub capabilities: easel_engine::Capabilities,
    /// Base URL.
    pub endpoint: String,
    /// Library folder.
    pub library: String,
    /// Why the app is on the demo although the settings chose a service (no key stored...).
    pub notice: Option<String>,
}

/// One engine on one service.
pub struct Backend {
    pub engine: Engine,
    pub info: BackendInfo,
    _emulator: Option<Emulator>,
}

/// Everything commands need, managed by Tauri.
pub struct AppState {
    backend: RwLock<Arc<Backend>>,
    sink: EventSink,
    pub prefs: Prefs,
    /// Pictures given to image inputs, served as previews.
    pub inputs: crate::commands::inputs::InputFiles,
    /// Files the person dropped or picked: the only paths the page may name. Shared with the
    /// window's drop handler from before the backend is up (a drop while it starts counts).
    pub offered: Arc<crate::offered::OfferedFiles>,
}

impl AppState {
    /// Starts the backend the settings choose, falling back to the demo (with a notice) when that
    /// service cannot be used yet, so the app always opens.
    pub async fn start(
        prefs: Prefs,
        sink: EventSink,
        offered: Arc<crate::offered::OfferedFiles>,
    ) -> Result<AppState, AppError> {
        let settings = prefs.settings();
        let mut backend = match Backend::start(&settings, sink.clone()).await {
            Ok(backend) => backend,
            Err(e) if settings.endpoint().is_some() => {
                let demo = Settings { backend: easel_settings::BackendKind::Demo, ..settings };
                let mut backend = Backend::start(&demo, sink.clone()).await?;
                backend.info.notice = Some(e.message);
                backend
            }
            Err(e) => return Err(e),
        };
        // Runs a previous session left unfinished on this backend carry on, in their recorded
        // order, held back if the person left the queue paused; their events reach the window
        // like any other run's. A journal that cannot be read never stops the app from opening:
        // the window says so instead.
        backend.engine.set_paused(prefs.queue_paused());
        if let Err(e) = backend.engine.keep_resuming() {
            eprintln!("easel-app: unfinished runs could not be resumed: {e}");
            backend.info.notice = Some(format!("Unfinished runs could not be resumed: {e}"));
        }
        // A damaged gallery index never stops the app either: the engine set it aside and is
        // rebuilding it from the images in the folder.
        if let Some(recovered) = backend.engine.gallery().recovered() {
            let said = format!(
                "The gallery index was unreadable ({}). It was moved aside to {} and is being rebuilt from the images in the library folder; tags and favourites are in the old file.",
                recovered.reason,
                recovered.moved_to.display()
            );
            backend.info.notice = Some(match backend.info.notice.take() {
                Some(before) => format!("{before}\n{said}"),
                None => said,
            });
        }
        Ok(AppState { backend: RwLock::new(Arc::new(backend)), sink, prefs, inputs: Default::default(), offered })
    }

    /// The current backend (cheap: an `Arc`).
    pub fn backend(&self) -> Arc<Backend> {
        // A poisoned lock still holds a complete `Arc`.
        self.backend.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Builds the backend `settings` describe and switches to it, refusing while runs are active
    /// (their events and files belong to the current engine).
    pub async fn switch(&self, settings: &Settings) -> Result<BackendInfo, AppError> {
        let active = self.backend().engine.active();
        if active > 0 {
            return Err(AppError::new(
                ErrorCode::Busy,
                format!("{active} run(s) are still active; wait for them or cancel them, then save again"),
            ));
        }
        let next = Backend::start(settings, self.sink.clone()).await?;
        next.engine.set_paused(self.prefs.queue_paused());
        next.engine.keep_resuming()?;
        let info = next.info.clone();
        *self.backend.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        Ok(info)
    }
}

impl Backend {
    async fn start(settings: &Settings, sink: EventSink) -> Result<Backend, AppError> {
        let library = library_folder(settings);
        let limits = RunLimits { concurrency: settings.concurrency.max(1) as usize, ..RunLimits::default() };
        let (server, kind, endpoint, emulator): (easel_engine::Backend, _, _, _) =
            if settings.backend == easel_settings::BackendKind::ComfyUi {
                let (comfy, endpoint) = comfyui(settings)?;
                (comfy.into(), "comfyui", endpoint, None)
            } else {
                let (client, endpoint, emulator) = tams(settings).await?;
                let kind = match settings.backend {
                    _ if emulator.is_some() => "demo",
                    easel_settings::BackendKind::Custom => "custom",
                    _ => "tams",
                };
                (client.into(), kind, endpoint, emulator)
            };
        let engine = Engine::open(&library, server, sink, limits)?;
        // Thumbnails a CLI import or an earlier session left unmade are made now, newest first,
        // so the gallery's first grid does not wait for them.
        engine.gallery().backfill_thumbnails();
        let info = BackendInfo {
            kind: kind.into(),
            endpoint,
            capabilities: engine.capabilities(),
            library: engine.library().display().to_string(),
            notice: None,
        };
        Ok(Backend { engine, info, _emulator: emulator })
    }
}

/// The Tensor.Art service the settings choose (or the demo emulator, started here), its endpoint.
async fn tams(settings: &Settings) -> Result<(Client, String, Option<Emulator>), AppError> {
    let (endpoint, auth, emulator) = match settings.endpoint() {
        None => {
            let (emulator, key) = start_demo().await?;
            (emulator.base_url(), Auth::Bearer(Sensitive::new(key)), Some(emulator))
        }
        Some(endpoint) => (endpoint.clone(), service_auth(settings, &endpoint)?, None),
    };
    let mut config = ClientConfig::new(endpoint.clone(), auth);
    if emulator.is_some() {
        config.label = Some(easel_emulator::DEMO_BACKEND.to_string());
    }
    // A real service's budget is shared with every Easel process using the same credentials
    // (a CLI script beside the app); the demo emulator serves only this process.
    let client = if emulator.is_some() {
        Client::new(config, Arc::new(Budget::tams_default()))
    } else {
        Client::for_service(config)
    }
    .map_err(|e| AppError::new(e.code(), e.to_string()))?;
    Ok((client, endpoint, emulator))
}

/// A ComfyUI server: its URL, and the proxy header's value from the keychain when one is set.
fn comfyui(settings: &Settings) -> Result<(easel_comfy::Comfy, String), AppError> {
    let endpoint = settings.endpoint().unwrap_or_else(|| easel_settings::DEFAULT_COMFYUI_URL.to_string());
    let mut config = easel_comfy::ComfyConfig::new(&endpoint);
    if let Some(account) = settings.key_account() {
        let value = KeychainEntry::new(&account).and_then(|entry| entry.load())?.ok_or_else(|| {
            AppError::new(
                ErrorCode::NoKey,
                format!("no value is stored for the {} header; add it in Settings", settings.comfyui_header.trim()),
            )
        })?;
        config.header = Some((settings.comfyui_header.trim().to_string(), value));
    }
    let comfy = easel_comfy::Comfy::new(config).map_err(|e| AppError::new(e.code(), e.to_string()))?;
    Ok((comfy, endpoint))
}

/// The library folder the settings choose, else `$EASEL_LIBRARY`, else `~/Pictures/Easel`.
pub fn library_folder(settings: &Settings) -> PathBuf {
    match settings.library_folder.trim() {
        "" => easel_engine::default_library(),
        chosen => PathBuf::from(chosen),
    }
}

async fn start_demo() -> Result<(Emulator, String), AppError> {
    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut config = EmulatorConfig { api_key: key.clone(), ..EmulatorConfig::default() };
    // The demo's pace (ms per sampler step); slower demos make long-running states visible.
    if let Some(ms) = std::env::var("EASEL_DEMO_STEP_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        config.step_delay = std::time::Duration::from_millis(ms);
    }
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| AppError::new(ErrorCode::Server, format!("the offline demo could not start: {e}")))?;
    Ok((emulator, key))
}

/// Credentials for a real service: the key from the keychain, or RSA from the key file.
fn service_auth(settings: &Settings, endpoint: &str) -> Result<Auth, AppError> {
    match settings.auth_mode {
        AuthMode::Rsa => {
            let path = settings.private_key_path.trim();
            let pem = std::fs::read_to_string(path).map_err(|e| {
                AppError::new(ErrorCode::InvalidSettings, format!("privateKeyPath: {path} cannot be read: {e}"))
            })?;
            Auth::rsa_from_pem(settings.app_id.trim(), &pem)
                .map_err(|e| AppError::new(ErrorCode::InvalidSettings, format!("privateKeyPath: {e}")))
        }
        AuthMode::Bearer => {
            let account = settings.key_account().unwrap_or_else(|| format!("tams:{endpoint}"));
            let key = KeychainEntry::new(&account).and_then(|entry| entry.load())?;
            let key = key.ok_or_else(|| {
                AppError::new(ErrorCode::NoKey, format!("no API key is stored for {endpoint}; add one in Settings"))
            })?;
            Ok(Auth::Bearer(key))
        }
    }
}
