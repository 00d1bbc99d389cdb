//! How an emulator instance behaves: the credentials it accepts, the port, the pace of jobs, how
//! long signed URLs live, and how much it lets a connection cost (header timeout, connection
//! cap). Fault injection has its own type (`FaultSpec`); this file only holds it.

use std::time::Duration;

use crate::FaultSpec;

/// How long a job shows every node SUCCESS (outputs included) while it is still RUNNING, at
/// speed 1: long enough for a client polling a few times a second to see it, as the seed does.
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(1500);
/// How long a connection may take to send a request's headers (and may sit idle between
/// requests) before it is closed. The app's demo client never waits that long between polls.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; further ones wait in the kernel's accept queue. Kept well under
/// the 256 open files a macOS app starts with, so held connections cannot starve the process.
pub const DEFAULT_MAX_CONNECTIONS: usize = 128;

/// Which server an instance plays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flavor {
    /// The Tensor.Art TAMS API (`/v1/...`), the default.
    #[default]
    Tams,
    /// A ComfyUI server (`/prompt`, `/ws`, `/view`...); see `comfy` and the README.
    ComfyUi,
}

/// Everything an emulator instance needs to start. `Debug` shows every field but the key.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The key accepted in `Authorization: Bearer <key>`.
    pub api_key: String,
    /// Port on 127.0.0.1; 0 lets the system pick a free one.
    pub port: u16,
    /// Time one unit of work takes: one node, or one sampler step. Zero finishes jobs at once
    /// (the settling window included).
    pub step_delay: Duration,
    /// The settling window: how long the workflow item reports SUCCESS, outputs and all, while
    /// the job is still RUNNING (as in the seed example). Rounded up to whole `step_delay`s and
    /// sped up by the `speed` fault like the rest of the life; zero ends the job with its nodes.
    pub settle: Duration,
    /// How long signed result URLs stay valid after the job is read.
    pub url_lifetime: Duration,
    /// App id accepted with `TAMS-SHA256-RSA` signatures (used only with `public_key_pem`).
    pub app_id: Option<String>,
    /// PEM public key (PKCS#1 or SPKI) that verifies `TAMS-SHA256-RSA` signatures.
    pub public_key_pem: Option<String>,
    /// Requests per second allowed per credential before HTTP 429; 0 disables the limit.
    pub rate_limit: u32,
    /// Time a connection gets to send each request's headers, and to sit idle between
    /// requests, before it is closed without a reply; zero disables the timeout.
    pub header_timeout: Duration,
    /// Connections served at once (later ones wait to be accepted); 0 disables the cap.
    pub max_connections: usize,
    /// Injected faults and pacing changes; `FaultSpec::default()` injects nothing.
    pub faults: FaultSpec,
    /// Which server to play (TAMS by default).
    pub flavor: Flavor,
    /// Custom node classes the ComfyUI flavour has "installed": an object_info document whose
    /// classes it adds to its own (served, validated and run like the core nodes).
    pub custom_nodes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Written by hand so the key never reaches a log: it shows only whether one is set.
impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("api_key", &crate::auth::redacted(&self.api_key))
            .field("port", &self.port)
            .field("step_delay", &self.step_delay)
            .field("settle", &self.settle)
            .field("url_lifetime", &self.url_lifetime)
            .field("app_id", &self.app_id)
            .field("public_key_pem", &self.public_key_pem.as_ref().map(|_| "<public key>"))
            .field("rate_limit", &self.rate_limit)
            .field("header_timeout", &self.header_timeout)
            .field("max_connections", &self.max_connections)
            .field("faults", &self.faults)
            .field("flavor", &self.flavor)
            .field("custom_nodes", &self.custom_nodes.as_ref().map(|n| n.len()))
            .finish()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            api_key: String::new(),
            port: 0,
            step_delay: Duration::from_millis(40),
            settle: DEFAULT_SETTLE,
            url_lifetime: Duration::from_secs(3600),
            app_id: None,
            public_key_pem: None,
            rate_limit: 5,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            faults: FaultSpec::default(),
            flavor: Flavor::Tams,
            custom_nodes: None,
        }
    }
}
