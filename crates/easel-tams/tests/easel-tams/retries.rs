//! Retries: 503 bursts, 429s and dropped connections are retried with the same requestId and body
//! and never make a second job; a reply lost after the job was made is retried into that same
//! job (through a small recording proxy); 429s are waited out until the
//! patience runs out, then `RateLimited`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use easel_emulator::FaultSpec;
use easel_tams::{Auth, Budget, Client, ClientConfig, JobStatus, TamsError};

use crate::{bearer, client, emulator, finish, params, APP_ID, PRIVATE_PEM};

#[tokio::test]
async fn a_5xx_burst_is_retried_into_one_job() {
    let emu = emulator(false, |c| c.faults = FaultSpec::parse("5xx=0.5,seed=7").unwrap()).await;
    let client = client(&emu, bearer(), 5, 20);
    let job = client.create_workflow_job("burst-1", &params()).await.unwrap();
    let id = job.id.unwrap();
    let again = client.create_workflow_job("burst-1", &params()).await.unwrap();
    assert_eq!(again.id.as_deref(), Some(id.as_str()), "the same requestId names the same job");
    assert_eq!(finish(&client, &id).await.status, JobStatus::Success);
}

#[tokio::test]
async fn connection_resets_are_retried_into_one_job() {
    let emu = emulator(false, |c| c.faults = FaultSpec::parse("reset=0.4,seed=3").unwrap()).await;
    let client = client(&emu, bearer(), 5, 20);
    let id = client.create_workflow_job("reset-1", &params()).await.unwrap().id.unwrap();
    let again = client.create_workflow_job("reset-1", &params()).await.unwrap();
    assert_eq!(again.id, Some(id.clone()));
    assert_eq!(finish(&client, &id).await.status, JobStatus::Success);
}

#[tokio::test]
async fn concurrent_429s_are_retried_and_one_request_id_is_one_job() {
    // The client's own budget is generous, so the emulator's 2/s limit answers 429s.
    let emu = emulator(false, |c| c.rate_limit = 2).await;
    // Backoff long enough that six callers sharing a 2/s bucket all get a token in 40 attempts.
    let mut config = ClientConfig::new(emu.base_url(), bearer());
    (config.max_attempts, config.base_backoff, config.max_backoff) =
        (40, Duration::from_millis(50), Duration::from_millis(800));
    let shared = Client::new(config, Arc::new(Budget::new(1000, Duration::from_secs(1)))).unwrap();
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let client = shared.clone();
            tokio::spawn(async move { client.create_workflow_job("busy-1", &params()).await })
        })
        .collect();
    let mut ids = Vec::new();
    for call in calls {
        ids.push(call.await.unwrap().unwrap().id.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "six calls, one job: {ids:?}");
}

#[tokio::test]
async fn rate_limited_once_patience_runs_out() {
    let emu = emulator(false, |c| c.rate_limit = 1).await;
    let mut config = ClientConfig::new(emu.base_url(), bearer());
    config.rate_limit_patience = Duration::ZERO;
    let client = Client::new(config, Arc::new(Budget::new(1000, Duration::from_secs(1)))).unwrap();
    // The first call takes the one token; the next finds the bucket empty and may not wait.
    client.get_model("664602165660323756").await.unwrap();
    let err = client.get_model("664602165660323756").await.unwrap_err();
    assert_eq!(err, TamsError::RateLimited { attempts: 1 });
    assert_eq!(err.code(), easel_error::ErrorCode::RateLimited);
}

#[tokio::test]
async fn a_429_is_waited_out_however_many_attempts_it_takes() {
    // Two attempts allowed, and a service that allows one request a second: without waiting
    // 429s out, the third call would fail.
    let emu = emulator(false, |c| c.rate_limit = 1).await;
    let mut config = ClientConfig::new(emu.base_url(), bearer());
    config.max_attempts = 2;
    let client = Client::new(config, Arc::new(Budget::new(1000, Duration::from_secs(1)))).unwrap();
    for _ in 0..3 {
        client.get_model("664602165660323756").await.unwrap();
    }
}

/// What the proxy saw: method, path, body and Authorization of each request.
type Seen = Vec<(Method, String, Bytes, String)>;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    seen: Arc<Mutex<Seen>>,
    /// Replies of the first this-many creates are dropped after the emulator made the job.
    lose: usize,
}

async fn forward(State(proxy): State<Proxy>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let n = {
        let mut seen = proxy.seen.lock().unwrap();
        seen.push((method.clone(), uri.path().to_string(), body.clone(), auth.clone()));
        seen.iter().filter(|s| s.0 == Method::POST).count()
    };
    let url = format!("{}{}", proxy.upstream, uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut request = proxy.http.request(method.clone(), url).header("authorization", auth).body(body);
    if let Some(kind) = headers.get("content-type") {
        request = request.header("content-type", kind);
    }
    let reply = request.send().await.unwrap();
    let status = StatusCode::from_u16(reply.status().as_u16()).unwrap();
    let text = reply.text().await.unwrap();
    if method == Method::POST && n <= proxy.lose {
        return (StatusCode::SERVICE_UNAVAILABLE, r#"{"code":14,"message":"unavailable"}"#).into_response();
    }
    (status, text).into_response()
}

#[tokio::test]
async fn a_lost_reply_is_retried_into_the_job_already_made() {
    let emu = emulator(true, |_| {}).await;
    let proxy = Proxy { upstream: emu.base_url(), http: reqwest::Client::new(), seen: Default::default(), lose: 2 };
    let seen = proxy.seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut config = ClientConfig::new(base, Auth::rsa_from_pem(APP_ID, PRIVATE_PEM).unwrap());
    config.base_backoff = Duration::from_millis(5);
    let client = Client::new(config, Arc::new(Budget::tams_default())).unwrap();
    let job = client.create_workflow_job("lost-1", &params()).await.unwrap();
    let id = job.id.unwrap();

    let seen = seen.lock().unwrap().clone();
    let posts: Vec<_> = seen.iter().filter(|s| s.0 == Method::POST).collect();
    assert_eq!(posts.len(), 3, "two lost replies, then the answer");
    assert!(posts.iter().all(|p| p.1 == "/v1/jobs/workflow" && p.2 == posts[0].2), "same path and bytes");
    let body: serde_json::Value = serde_json::from_slice(&posts[0].2).unwrap();
    assert_eq!(body["requestId"], "lost-1");
    let mut signatures: Vec<_> = posts.iter().map(|p| p.3.clone()).collect();
    signatures.dedup();
    assert_eq!(signatures.len(), 3, "each attempt is signed afresh");
    // The emulator made the job on the first attempt; the retries found it rather than a new one.
    let direct = crate::client(&emu, Auth::rsa_from_pem(APP_ID, PRIVATE_PEM).unwrap(), 5, 5);
    assert_eq!(direct.create_workflow_job("lost-1", &params()).await.unwrap().id, Some(id));
}
