//! How an emulator instance behaves: the credentials it accepts, the port, the pace of jobs, how
//! long signed URLs live. Fault injection has its own type (`FaultSpec`); this file only holds it.

use std::time::Duration;

use crate::FaultSpec;

/// Everything an emulator instance needs to start.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The key accepted in `Authorization: Bearer <key>`.
    pub api_key: String,
    /// Port on 127.0.0.1; 0 lets the system pick a free one.
    pub port: u16,
    /// Time one unit of work takes: one node, or one sampler step. Zero finishes jobs at once.
    pub step_delay: Duration,
    /// How long signed result URLs stay valid after the job is read.
    pub url_lifetime: Duration,
    /// App id accepted with `TAMS-SHA256-RSA` signatures (used only with `public_key_pem`).
    pub app_id: Option<String>,
    /// PEM public key (PKCS#1 or SPKI) that verifies `TAMS-SHA256-RSA` signatures.
    pub public_key_pem: Option<String>,
    /// Requests per second allowed per credential before HTTP 429; 0 disables the limit.
    pub rate_limit: u32,
    /// Injected faults and pacing changes; `FaultSpec::default()` injects nothing.
    pub faults: FaultSpec,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            api_key: String::new(),
            port: 0,
            step_delay: Duration::from_millis(40),
            url_lifetime: Duration::from_secs(3600),
            app_id: None,
            public_key_pem: None,
            rate_limit: 5,
            faults: FaultSpec::default(),
        }
    }
}
