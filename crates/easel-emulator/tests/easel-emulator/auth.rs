//! TAMS-SHA256-RSA signatures (exact string to sign and header shape) and the rate limit.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use easel_emulator::{Emulator, EmulatorConfig};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{client, reference_body, KEY};

const PRIVATE_KEY: &str = include_str!("test-key.pem");
const APP_ID: &str = "rA0R2ywjw";

async fn rsa_emulator(public_key: &str) -> Emulator {
    let config = EmulatorConfig {
        api_key: KEY.into(),
        app_id: Some(APP_ID.into()),
        public_key_pem: Some(public_key.into()),
        rate_limit: 0,
        ..EmulatorConfig::default()
    };
    Emulator::start(config).await.unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// The header for `method path` with `body`, as section 2.2 specifies.
fn sign(method: &str, path: &str, body: &str, app_id: &str, timestamp: u64) -> String {
    let key = SigningKey::<Sha256>::new(RsaPrivateKey::from_pkcs8_pem(PRIVATE_KEY).unwrap());
    let nonce = "5f2b1c0e9a";
    let message = format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}");
    let signature = STANDARD.encode(key.sign(message.as_bytes()).to_bytes());
    format!("TAMS-SHA256-RSA app_id={app_id},nonce_str={nonce},timestamp={timestamp},signature={signature}")
}

async fn send(emu: &Emulator, method: &str, path: &str, body: &str, header: String) -> u16 {
    let url = format!("{}{path}", emu.base_url());
    let request = match method {
        "POST" => client().post(url).header("Content-Type", "application/json").body(body.to_string()),
        _ => client().get(url),
    };
    request.header("Authorization", header).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn rsa_signed_requests_are_accepted_with_spki_and_pkcs1_keys() {
    for public in [include_str!("test-key.pub.pem"), include_str!("test-key.pkcs1.pub.pem")] {
        let emu = rsa_emulator(public).await;
        let body = serde_json::to_string(&reference_body("rsa")).unwrap();
        let status =
            send(&emu, "POST", "/v1/jobs/workflow", &body, sign("POST", "/v1/jobs/workflow", &body, APP_ID, now()))
                .await;
        assert_eq!(status, 200);
        let path = "/v1/models/664602165660323756";
        assert_eq!(send(&emu, "GET", path, "", sign("GET", path, "", APP_ID, now())).await, 200);
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn rsa_with_wrong_body_path_app_or_time_is_401() {
    let emu = rsa_emulator(include_str!("test-key.pub.pem")).await;
    let body = serde_json::to_string(&reference_body("rsa")).unwrap();
    let path = "/v1/jobs/workflow";
    let cases = [
        sign("POST", path, "{}", APP_ID, now()),
        sign("POST", "/v1/jobs", &body, APP_ID, now()),
        sign("GET", path, &body, APP_ID, now()),
        sign("POST", path, &body, "someoneElse", now()),
        sign("POST", path, &body, APP_ID, now() - 3600),
        sign("POST", path, &body, APP_ID, now()).replace(",nonce_str=", ", nonce_str="),
    ];
    for header in cases {
        assert_eq!(send(&emu, "POST", path, &body, header.clone()).await, 401, "{header}");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn bad_public_key_fails_start() {
    let config = EmulatorConfig { app_id: Some("a".into()), public_key_pem: Some("nope".into()), ..Default::default() };
    assert!(Emulator::start(config).await.is_err());
}

#[tokio::test]
async fn more_than_five_requests_at_once_get_429_code_8() {
    let emu = Emulator::start(EmulatorConfig { api_key: KEY.into(), ..EmulatorConfig::default() }).await.unwrap();
    let url = format!("{}/v1/models/664602165660323756", emu.base_url());
    let requests = (0..20).map(|_| {
        let url = url.clone();
        async move {
            let reply = client().get(url).bearer_auth(KEY).send().await.unwrap();
            (reply.status().as_u16(), reply.json::<Value>().await.unwrap())
        }
    });
    let replies = futures_util::future::join_all(requests).await;
    let limited: Vec<&Value> = replies.iter().filter(|(s, _)| *s == 429).map(|(_, b)| b).collect();
    assert!(!limited.is_empty(), "no request was limited");
    assert!(replies.iter().filter(|(s, _)| *s == 200).count() >= 5);
    assert_eq!(limited[0]["code"], json!(8));
    emu.shutdown().await;
}
