//! Which server the CLI talks to: a Tensor.Art endpoint with the key from `EASEL_API_KEY` or
//! the keychain, a ComfyUI server (its optional proxy header from `EASEL_COMFYUI_HEADER`, never
//! a command-line argument, which other users of the machine can read), or, without an
//! endpoint, the emulator started in this process.

use std::process::ExitCode;
use std::sync::Arc;

use easel_emulator::{Emulator, EmulatorConfig, Flavor};
use easel_keychain::KeychainEntry;
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};

/// What kind of server `--endpoint` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    Tams,
    Comfyui,
}

/// The server's client.
pub(crate) enum Server {
    Tams(Client),
    ComfyUi(easel_comfy::Comfy),
}

impl Server {
    /// The engine's backend for this server (clients are cheap to clone).
    pub(crate) fn engine_backend(&self) -> easel_engine::Backend {
        match self {
            Server::Tams(client) => client.clone().into(),
            Server::ComfyUi(comfy) => comfy.clone().into(),
        }
    }
}

/// A connected client, plus the in-process emulator keeping it alive when there is one.
pub(crate) struct Backend {
    pub server: Server,
    pub _emulator: Option<Emulator>,
}

/// Keychain account of the API key for `endpoint`.
pub(crate) fn keychain_account(endpoint: &str) -> String {
    format!("tams:{endpoint}")
}

pub(crate) async fn connect(kind: Kind, endpoint: Option<&str>) -> Result<Backend, String> {
    if kind == Kind::Comfyui {
        let endpoint = endpoint.ok_or("--backend comfyui needs --endpoint (e.g. http://127.0.0.1:8188)")?;
        return Ok(Backend { server: Server::ComfyUi(comfy(endpoint)?), _emulator: None });
    }
    let Some(endpoint) = endpoint else {
        // The in-process emulator serves only this process, so its budget is this process's.
        let budget = Arc::new(Budget::tams_default());
        let key = uuid_like_demo_key();
        let config = EmulatorConfig { api_key: key.clone(), ..EmulatorConfig::default() };
        let emulator = Emulator::start(config).await.map_err(|e| format!("cannot start the offline emulator: {e}"))?;
        let mut config = ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new(key)));
        config.label = Some(easel_emulator::DEMO_BACKEND.to_string());
        let client = Client::new(config, budget).map_err(|e| e.to_string())?;
        return Ok(Backend { server: Server::Tams(client), _emulator: Some(emulator) });
    };
    let key = match std::env::var("EASEL_API_KEY") {
        Ok(k) if !k.trim().is_empty() => Sensitive::new(k.trim().to_string()),
        _ => KeychainEntry::new(&keychain_account(endpoint))
            .and_then(|e| e.load())
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no API key for {endpoint}: set EASEL_API_KEY or save one in the app's Settings"))?,
    };
    // Shared with every Easel process on this machine using the same key on this service.
    let client = Client::for_service(ClientConfig::new(endpoint, Auth::Bearer(key))).map_err(|e| e.to_string())?;
    Ok(Backend { server: Server::Tams(client), _emulator: None })
}

/// A ComfyUI server's client, its proxy header from `EASEL_COMFYUI_HEADER`.
pub(crate) fn comfy(endpoint: &str) -> Result<easel_comfy::Comfy, String> {
    let mut config = easel_comfy::ComfyConfig::new(endpoint);
    if let Some(header) = std::env::var("EASEL_COMFYUI_HEADER").ok().filter(|h| !h.trim().is_empty()) {
        let (name, value) = header.split_once(':').ok_or("EASEL_COMFYUI_HEADER must read `Name: value`")?;
        config.header = Some((name.trim().to_string(), Sensitive::new(value.trim().to_string())));
    }
    easel_comfy::Comfy::new(config).map_err(|e| e.to_string())
}

/// The in-process emulator's key: fresh per process, never stored.
fn uuid_like_demo_key() -> String {
    format!(
        "demo-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
    )
}

/// `easel emulator` options.
#[derive(clap::Args)]
pub(crate) struct EmulatorArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// API key the emulator accepts as `Bearer <key>`.
    #[arg(long, default_value = "demo")]
    api_key: String,
    /// App id for TAMS-SHA256-RSA requests (with --public-key).
    #[arg(long, requires = "public_key")]
    app_id: Option<String>,
    /// PEM file of the public key that verifies TAMS-SHA256-RSA signatures (with --app-id).
    #[arg(long, requires = "app_id")]
    public_key: Option<std::path::PathBuf>,
    /// Faults to inject, e.g. `5xx=0.1,latency=50ms,seed=7` (see the emulator's README).
    #[arg(long, default_value = "")]
    faults: String,
    /// Requests per second allowed per key (0 = unlimited).
    #[arg(long, default_value_t = 5)]
    rate_limit: u32,
    /// Which server to play: the Tensor.Art TAMS API, or a ComfyUI server (no key; see the
    /// emulator's README for its routes and faults, e.g. `wsdrop=0.5`).
    #[arg(long, default_value = "tams", value_parser = ["tams", "comfyui"])]
    flavor: String,
    /// With `--flavor comfyui`: an object_info JSON file of custom nodes the server has installed.
    #[arg(long, value_name = "FILE")]
    custom_nodes: Option<std::path::PathBuf>,
}

pub(crate) async fn serve_emulator(args: EmulatorArgs) -> ExitCode {
    let faults = match easel_emulator::FaultSpec::parse(&args.faults) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("easel: --faults: {e}");
            return ExitCode::from(2);
        }
    };
    let public_key_pem = match &args.public_key {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                eprintln!("easel: --public-key {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let custom_nodes = match &args.custom_nodes {
        None => None,
        Some(path) => match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|text| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text).map_err(|e| e.to_string())
        }) {
            Ok(nodes) => Some(nodes),
            Err(e) => {
                eprintln!("easel: --custom-nodes {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let config = EmulatorConfig {
        custom_nodes,
        api_key: args.api_key,
        port: args.port,
        app_id: args.app_id,
        public_key_pem,
        faults,
        rate_limit: args.rate_limit,
        flavor: if args.flavor == "comfyui" { Flavor::ComfyUi } else { Flavor::Tams },
        ..EmulatorConfig::default()
    };
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("easel: cannot start the emulator: {e}");
            return ExitCode::from(1);
        }
    };
    println!("listening on {}", emulator.base_url());
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("easel: cannot wait for Ctrl+C: {e}");
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
