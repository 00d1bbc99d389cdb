//! What a connection may cost: credentials are checked before a body is read, bodies have
//! explicit limits (413), a connection that sends no headers is closed after `header_timeout`,
//! and connections beyond `max_connections` wait until a slot frees. Raw TCP is used where the
//! point is what the server does before the client has sent everything.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{client, raw_exchange, read_until_closed, reference_body, start, start_with, upload_slot, KEY};

/// `MAX_JSON_BODY` and `MAX_UPLOAD` of the emulator.
const MAX_JSON_BODY: usize = 2 * 1024 * 1024;
const MAX_UPLOAD: usize = 64 * 1024 * 1024;
const APP_ID: &str = "rA0R2ywjw";

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

async fn rsa_emulator() -> Emulator {
    start_with(EmulatorConfig {
        app_id: Some(APP_ID.into()),
        public_key_pem: Some(include_str!("test-key.pub.pem").into()),
        ..EmulatorConfig::default()
    })
    .await
}

/// A POST head announcing `length` body bytes, with `auth` (a header line or nothing).
fn post_head(path: &str, length: usize, auth: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n{auth}\r\n"
    )
}

fn json_body(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

/// Reads one complete response (head and `Content-Length` body) off a kept-alive connection.
async fn read_response(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut received = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_string()))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    return (head, received[end + 4..end + 4 + length].to_vec());
                }
            }
            let n = stream.read(&mut buf).await.expect("read");
            assert!(n > 0, "closed before a whole response: {}", String::from_utf8_lossy(&received));
            received.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read).await.expect("no response (hang guard)")
}

#[tokio::test]
async fn strangers_get_401_before_sending_their_bodies() {
    let emu = rsa_emulator().await;
    let ts = now();
    let strangers = [
        String::new(),
        "Authorization: Bearer wrong\r\n".to_string(),
        format!("Authorization: TAMS-SHA256-RSA app_id=someoneElse,nonce_str=n,timestamp={ts},signature=AAAA\r\n"),
        format!(
            "Authorization: TAMS-SHA256-RSA app_id={APP_ID},nonce_str=n,timestamp={},signature=AAAA\r\n",
            ts - 3600
        ),
        format!("Authorization: TAMS-SHA256-RSA app_id={APP_ID},timestamp={ts},signature=AAAA\r\n"),
    ];
    // 100 MB announced, not one byte sent: a reply proves the server did not wait for the body.
    for auth in &strangers {
        let (head, body) = raw_exchange(&emu, &post_head("/v1/jobs/workflow", 100 << 20, auth)).await;
        assert!(head.starts_with("HTTP/1.1 401"), "{auth}: {head}");
        assert_eq!(json_body(&body), json!({"code": 16, "message": "unauthenticated"}));
    }
    // An upload PUT with a bad signature is refused before its 60 MB are sent.
    let slot = upload_slot(&emu).await;
    let url = slot["putUrl"].as_str().unwrap().replace("Signature=", "Signature=x");
    let path = &url[emu.base_url().len()..];
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        60 << 20
    );
    let (head, body) = raw_exchange(&emu, &head).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("<Code>SignatureDoesNotMatch</Code>"));
    emu.shutdown().await;
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let emu = rsa_emulator().await;
    let bearer = format!("Authorization: Bearer {KEY}\r\n");
    let (head, body) = raw_exchange(&emu, &post_head("/v1/jobs/workflow", MAX_JSON_BODY + 1, &bearer)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    let status = json_body(&body);
    assert_eq!(status["code"], 3, "{status}");
    assert!(status["message"].as_str().unwrap().contains(&MAX_JSON_BODY.to_string()), "{status}");
    // An RSA caller who may be genuine still cannot make the emulator read more than the limit.
    let plausible =
        format!("Authorization: TAMS-SHA256-RSA app_id={APP_ID},nonce_str=n,timestamp={},signature=AAAA\r\n", now());
    let (head, _) =
        raw_exchange(&emu, &post_head("/v1/jobs/workflow/params/check", MAX_JSON_BODY + 1, &plausible)).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    // A valid upload URL still has the upload limit.
    let slot = upload_slot(&emu).await;
    let path = &slot["putUrl"].as_str().unwrap()[emu.base_url().len()..];
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        MAX_UPLOAD + 1
    );
    let (head, body) = raw_exchange(&emu, &head).await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("<Code>EntityTooLarge</Code>"));
    // Just under the limit is read and parsed as usual.
    let mut big = reference_body("big");
    big["params"]["6"]["inputs"]["text"] = json!("x".repeat(MAX_JSON_BODY - 10_000));
    let reply = client().post(format!("{}/v1/jobs/workflow", emu.base_url())).bearer_auth(KEY).json(&big).send().await;
    assert_eq!(reply.unwrap().status().as_u16(), 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_connection_that_sends_no_headers_is_closed_after_the_timeout() {
    let emu = start_with(EmulatorConfig {
        step_delay: Duration::from_millis(2),
        header_timeout: Duration::from_millis(200),
        ..EmulatorConfig::default()
    })
    .await;
    // Silent, then half a head: both closed without a reply. (Waiting for the close is the test;
    // the read's own bound only stops a hang.)
    let mut silent = TcpStream::connect(emu.addr()).await.unwrap();
    assert_eq!(read_until_closed(&mut silent).await, b"");
    let mut partial = TcpStream::connect(emu.addr()).await.unwrap();
    partial.write_all(b"GET /v1/models/664602165660323756 HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    assert_eq!(read_until_closed(&mut partial).await, b"");
    // A whole request is served, and the idle connection after it is closed the same way.
    let mut idle = TcpStream::connect(emu.addr()).await.unwrap();
    let request =
        format!("GET /v1/models/664602165660323756 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\r\n");
    idle.write_all(request.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut idle).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(read_until_closed(&mut idle).await, b"");
    emu.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let emu = start_with(EmulatorConfig { max_connections: 1, ..EmulatorConfig::default() }).await;
    let request =
        format!("GET /v1/models/664602165660323756 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\r\n");
    // Both connect (the kernel completes both handshakes); the first is accepted and holds the
    // only slot. The second sends its whole request before the first sends anything.
    let mut first = TcpStream::connect(emu.addr()).await.unwrap();
    let mut second = TcpStream::connect(emu.addr()).await.unwrap();
    second.write_all(request.as_bytes()).await.unwrap();
    first.write_all(request.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut first).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(emu.request_arrivals().len(), 1, "the second connection was served while the first held the slot");
    // The first goes away: its slot frees and the waiting request is served.
    drop(first);
    let (head, _) = read_response(&mut second).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(emu.request_arrivals().len(), 2);
    let [a, b] = emu.request_arrivals()[..] else { panic!("two arrivals") };
    let apart = b.duration_since(a);
    // The peak counts arrivals strictly inside each window opened by one of them.
    assert_eq!(emu.peak_arrivals(apart + Duration::from_millis(1)), 2);
    assert_eq!(emu.peak_arrivals(apart), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn default_bounds_leave_ordinary_use_alone() {
    let emu = start().await;
    let replies = futures_util::future::join_all((0..40).map(|_| async {
        let url = format!("{}/v1/models/664602165660323756", emu.base_url());
        client().get(url).bearer_auth(KEY).send().await.map(|r| r.status().as_u16())
    }))
    .await;
    assert!(replies.iter().all(|r| matches!(r, Ok(200))), "{replies:?}");
    emu.shutdown().await;
}
