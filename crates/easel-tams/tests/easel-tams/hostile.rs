//! Server text is cleaned where the client reads it: a look-alike server on 127.0.0.1 that
//! reflects the `Authorization` header and writes terminal escape sequences into its error
//! messages, `ArgumentError` details and job failure reasons yields errors and jobs that hold
//! neither the key nor any control character. Endpoints that would send the key in cleartext
//! are refused before anything is sent.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive, CLEARTEXT_RULE, MAX_SERVER_TEXT_CHARS};

/// The key the hostile server is sent (and reflects).
const LEAKY_KEY: &str = "leak-check-7f3a9c";

/// Escape sequences a terminal would obey: OSC title, clear screen, colour, 8-bit CSI, bell.
const ESCAPES: &str = "\u{1b}]0;owned\u{07}\u{1b}[2J\u{1b}[31m\u{9b}1m\r\x08";

fn reflected(headers: &HeaderMap) -> String {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    format!("you sent Authorization={auth}{ESCAPES} (key {})", auth.trim_start_matches("Bearer "))
}

async fn refuse(headers: HeaderMap) -> Response {
    let text = reflected(&headers);
    let body = serde_json::json!({
        "code": 3, "message": text,
        "details": [{"field": "workflow", "message": format!("node id: 3\n{text}\n")}]
    });
    (StatusCode::BAD_REQUEST, body.to_string()).into_response()
}

async fn failed_job(headers: HeaderMap) -> Response {
    let body = serde_json::json!({"job": {"id": "7", "status": "FAILED",
        "failedInfo": {"reason": reflected(&headers), "code": "FATAL_ERROR"}}});
    (StatusCode::OK, body.to_string()).into_response()
}

async fn not_json(headers: HeaderMap) -> Response {
    (StatusCode::BAD_GATEWAY, format!("<html>{}{}</html>", reflected(&headers), "x".repeat(10_000))).into_response()
}

async fn hostile() -> String {
    let app = axum::Router::new()
        .route("/v1/jobs/workflow", axum::routing::post(refuse))
        .route("/v1/jobs/7", axum::routing::get(failed_job))
        .route("/v1/models/1", axum::routing::get(not_json));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn leaky_client(base: &str) -> Client {
    let mut config = ClientConfig::new(base, Auth::Bearer(Sensitive::new(LEAKY_KEY.into())));
    config.max_attempts = 1;
    Client::new(config, Arc::new(Budget::new(1000, Duration::from_secs(1)))).unwrap()
}

fn assert_clean(text: &str) {
    assert!(!text.contains(LEAKY_KEY), "the key leaked: {text:?}");
    assert!(!text.contains("7f3a9c"), "part of the key leaked: {text:?}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "a control character got through: {text:?}");
}

#[tokio::test]
async fn reflected_keys_and_escapes_never_reach_an_error_message() {
    let base = hostile().await;
    let client = leaky_client(&base);
    let err = client.create_workflow_job("r", &serde_json::json!({})).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::InvalidWorkflow);
    let shown = err.to_string();
    assert_clean(&shown);
    assert!(shown.contains("you sent Authorization=[redacted]"), "{shown}");
    assert!(shown.contains("(key [redacted])"), "{shown}");
    // The one line break left is Easel's own, between the message and its detail.
    assert_eq!(shown.matches('\n').count(), 1, "{shown:?}");

    let err = client.get_model("1").await.unwrap_err();
    let shown = err.to_string();
    assert_clean(&shown);
    assert!(shown.chars().count() < MAX_SERVER_TEXT_CHARS + 100, "a raw body is capped: {} chars", shown.len());
}

#[tokio::test]
async fn a_failure_reason_is_cleaned_when_the_job_is_read() {
    let base = hostile().await;
    let job = leaky_client(&base).get_job("7").await.unwrap();
    let reason = job.failed_info.unwrap().reason.unwrap();
    assert_clean(&reason);
    assert!(!reason.contains('\n'));
    assert!(reason.starts_with("you sent Authorization=[redacted]"), "{reason}");
}

#[tokio::test]
async fn cleartext_endpoints_other_than_this_machine_are_refused() {
    for base in ["http://example.com", "http://192.168.1.10:8080", "http://localhost.evil.example"] {
        let config = ClientConfig::new(base, Auth::Bearer(Sensitive::new(LEAKY_KEY.into())));
        let err = Client::new(config, Arc::new(Budget::tams_default())).unwrap_err();
        assert!(err.to_string().contains(CLEARTEXT_RULE), "{base}: {err}");
        assert_clean(&err.to_string());
    }
    for base in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://example.com"] {
        let config = ClientConfig::new(base, Auth::Bearer(Sensitive::new(LEAKY_KEY.into())));
        assert!(Client::new(config, Arc::new(Budget::tams_default())).is_ok(), "{base}");
    }
}
