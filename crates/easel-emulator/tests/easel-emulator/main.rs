//! The emulator over real HTTP on 127.0.0.1: each test starts its own instance, talks to it with
//! reqwest, and waits on conditions (bounded polling), never on fixed sleeps or wall-clock times.

mod auth;
mod faults;
mod files;
mod jobs;
mod resources;
mod sdk;
mod stages;
mod templates;

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

pub const KEY: &str = "test-key-0123";

/// A fast emulator (2 ms steps) with no rate limit.
pub async fn start() -> Emulator {
    start_with(EmulatorConfig { step_delay: Duration::from_millis(2), ..EmulatorConfig::default() }).await
}

/// An emulator from `config` with the test key and no rate limit.
pub async fn start_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(EmulatorConfig { api_key: KEY.into(), rate_limit: 0, ..config }).await.expect("emulator starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

/// The reference example request body with `requestId` replaced.
pub fn reference_body(request_id: &str) -> Value {
    let mut body: Value = serde_json::from_str(easel_workflow::REFERENCE_WORKFLOW).expect("reference parses");
    body["requestId"] = Value::String(request_id.into());
    body
}

/// POSTs `body` to `path` with the test key; returns status and JSON.
pub async fn post(emu: &Emulator, path: &str, body: &Value) -> (u16, Value) {
    let reply =
        client().post(format!("{}{path}", emu.base_url())).bearer_auth(KEY).json(body).send().await.expect("post");
    let status = reply.status().as_u16();
    (status, reply.json().await.expect("json reply"))
}

/// GETs `path` with the test key.
pub async fn get(emu: &Emulator, path: &str) -> (u16, Value) {
    let reply = client().get(format!("{}{path}", emu.base_url())).bearer_auth(KEY).send().await.expect("get");
    let status = reply.status().as_u16();
    (status, reply.json().await.expect("json reply"))
}

/// Polls the job until `done` says so, at most 2000 times / 30 s; returns every reply seen.
pub async fn poll_until(emu: &Emulator, id: &str, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    for _ in 0..2000 {
        let (status, body) = get(emu, &format!("/v1/jobs/{id}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["job"]["id"], id, "{body}");
        let job = body["job"].clone();
        let finished = done(&job);
        seen.push(job);
        if finished {
            return seen;
        }
        assert!(tokio::time::Instant::now() < deadline, "job {id} never reached the condition: {:?}", seen.last());
        tokio::task::yield_now().await;
    }
    panic!("job {id} never reached the condition: {:?}", seen.last());
}

/// Creates the reference job and polls it to SUCCESS; returns the final job object.
pub async fn run_reference(emu: &Emulator, request_id: &str) -> Value {
    let (status, created) = post(emu, "/v1/jobs/workflow", &reference_body(request_id)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["job"]["id"].as_str().expect("id is a string").to_string();
    finish(emu, &id).await
}

/// Polls job `id` to SUCCESS; returns the final job object.
pub async fn finish(emu: &Emulator, id: &str) -> Value {
    let seen = poll_until(emu, id, |job| job["status"] == "SUCCESS").await;
    seen.last().cloned().expect("at least one poll")
}

/// Downloads `url` without credentials; returns status and bytes.
pub async fn download(url: &str) -> (u16, Vec<u8>) {
    let reply = client().get(url).send().await.expect("download");
    (reply.status().as_u16(), reply.bytes().await.expect("body").to_vec())
}

/// Width and height of a PNG.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(bytes).read_info().expect("a PNG");
    (reader.info().width, reader.info().height)
}
