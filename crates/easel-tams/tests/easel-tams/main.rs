//! The client against the emulator over real HTTP on 127.0.0.1: every endpoint, both auth
//! schemes, and retries under injected faults. Waiting is always on a condition (a job status),
//! never on the clock.

mod auth;
mod endpoints;
mod hostile;
mod jobs;
mod limits;
mod retries;

use std::sync::Arc;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use easel_tams::{Auth, Budget, Client, ClientConfig, Job, JobStatus, Sensitive};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

/// The Bearer key every emulator here accepts.
pub const KEY: &str = "test-key";
/// The app id RSA emulators accept.
pub const APP_ID: &str = "rA0R2ywjw";
/// The test key pair (the emulator's own test keys).
pub const PRIVATE_PEM: &str = include_str!("test-key.pem");
pub const PRIVATE_PKCS1_PEM: &str = include_str!("test-key.pkcs1.pem");
pub const PUBLIC_PEM: &str = include_str!("test-key.pub.pem");
/// A key the emulator does not know.
pub const OTHER_PEM: &str = include_str!("other-key.pem");

/// An emulator with fast jobs that accepts `KEY` and, when `rsa`, the test key for `APP_ID`.
pub async fn emulator(rsa: bool, customise: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config =
        EmulatorConfig { api_key: KEY.into(), step_delay: Duration::from_millis(2), ..EmulatorConfig::default() };
    if rsa {
        config.app_id = Some(APP_ID.into());
        config.public_key_pem = Some(PUBLIC_PEM.into());
    }
    customise(&mut config);
    Emulator::start(config).await.unwrap()
}

/// A client of `emulator` with fast retries and its own budget of `per_second`.
pub fn client(emulator: &Emulator, auth: Auth, per_second: usize, max_attempts: u32) -> Client {
    let mut config = ClientConfig::new(emulator.base_url(), auth);
    config.max_attempts = max_attempts;
    config.base_backoff = Duration::from_millis(5);
    config.max_backoff = Duration::from_millis(100);
    Client::new(config, Arc::new(Budget::new(per_second, Duration::from_secs(1)))).unwrap()
}

/// Bearer auth with `KEY`.
pub fn bearer() -> Auth {
    Auth::Bearer(Sensitive::new(KEY.into()))
}

/// The reference example graph in TAMS `params` form.
pub fn params() -> serde_json::Value {
    Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params()
}

/// Polls until the job reaches a terminal status (bounded by a poll count, not a duration).
pub async fn finish(client: &Client, id: &str) -> Job {
    for _ in 0..2000 {
        let job = client.get_job(id).await.unwrap();
        if job.status.is_terminal() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} never finished");
}

/// Polls until the job shows `wanted` or has ended.
pub async fn until_status(client: &Client, id: &str, wanted: JobStatus) -> Job {
    for _ in 0..2000 {
        let job = client.get_job(id).await.unwrap();
        if job.status == wanted || job.status.is_terminal() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} never reached {wanted:?}");
}
