//! The emulator over real HTTP on 127.0.0.1: each test starts its own instance, talks to it with
//! reqwest, and waits on conditions (bounded polling), never on fixed sleeps or wall-clock times.

mod auth;
mod comfy;
mod comfy_sdk;
mod faults;
mod files;
mod image_inputs;
mod jobs;
mod lifetimes;
mod limits;
mod resources;
mod sdk;
mod stages;
mod templates;

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

/// Polls the job until `done` says so (giving up after 60 s, a hang guard for loaded machines,
/// not a timing claim); returns every reply seen.
pub async fn poll_until(emu: &Emulator, id: &str, done: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
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

/// Gets an upload slot and PUTs `bytes` with the headers it names; returns the resource id.
pub async fn upload(emu: &Emulator, bytes: Vec<u8>) -> String {
    let slot = upload_slot(emu).await;
    let mut request = client().put(slot["putUrl"].as_str().expect("putUrl")).body(bytes);
    for (name, value) in slot["headers"].as_object().expect("headers") {
        request = request.header(name, value.as_str().expect("header value"));
    }
    let reply = request.send().await.expect("put");
    assert_eq!(reply.status().as_u16(), 200);
    slot["resourceId"].as_str().expect("resourceId").to_string()
}

/// An upload slot (`POST /v1/resource/image {}`), nothing PUT yet.
pub async fn upload_slot(emu: &Emulator) -> Value {
    let (status, slot) = post(emu, "/v1/resource/image", &json!({})).await;
    assert_eq!(status, 200, "{slot}");
    slot
}

/// A black RGB PNG of `width` x `height`.
pub fn png_of(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&vec![0; (width * height * 3) as usize]).expect("png data");
    writer.finish().expect("png end");
    out
}

/// Sends `head` (request line and headers, no body) on a fresh connection and reads until the
/// server closes it; returns the reply's head as text and its body bytes.
pub async fn raw_exchange(emu: &Emulator, head: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("send head");
    let reply = read_until_closed(&mut stream).await;
    let end = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(reply.len());
    let body = reply.get(end + 4..).unwrap_or_default().to_vec();
    (String::from_utf8_lossy(&reply[..end]).into_owned(), body)
}

/// Everything the server sends on `stream` until it closes the connection (a reset after some
/// bytes counts as closing). The bound is a hang guard, not a timing claim.
pub async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read).await.expect("the server never closed the connection");
    received
}
