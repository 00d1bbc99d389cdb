//! `easel run` against a look-alike server on 127.0.0.1 that reflects the `Authorization` header
//! and writes terminal escape sequences into a job's failure reason: what the CLI prints and
//! what the journal stores hold neither the key nor the sequences. Proxy variables in the
//! environment do not divert a loopback endpoint (the key would reach the proxy in cleartext).

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "leak-check-7f3a9c";
const ESCAPES: &str = "\u{1b}]0;owned\u{07}\u{1b}[2J\u{1b}[31m\u{9b}1m\r";

/// Reads one request (head and `Content-Length` body); returns its head.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_string();
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = socket.read(&mut buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Some(head);
        }
    }
}

fn answer(head: &str) -> (u16, String) {
    let auth =
        head.lines().find_map(|l| l.strip_prefix("authorization: ").or_else(|| l.strip_prefix("Authorization: ")));
    let reflected = format!("you sent Authorization={}{ESCAPES}", auth.unwrap_or(""));
    let path = head.split_whitespace().nth(1).unwrap_or("");
    match path {
        "/v1/jobs/workflow/params/check" => (200, r#"{"valid":true,"credits":1}"#.into()),
        "/v1/jobs/workflow" => (200, r#"{"job":{"id":"77","status":"CREATED"}}"#.into()),
        "/v1/jobs/77" => {
            let job = serde_json::json!({"job": {"id": "77", "status": "FAILED",
                "failedInfo": {"reason": reflected, "code": "FATAL_ERROR"}}});
            (200, job.to_string())
        }
        _ => (404, serde_json::json!({"code": 5, "message": reflected}).to_string()),
    }
}

async fn hostile_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                while let Some(head) = read_request(&mut socket).await {
                    let (status, body) = answer(&head);
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A proxy that only counts the connections it is offered.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}"), count)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflected_keys_and_escapes_reach_neither_the_terminal_nor_the_journal() {
    let base = hostile_server().await;
    let (proxy, proxied) = counting_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib");
    let mut command = Command::new(env!("CARGO_BIN_EXE_easel"));
    command
        .arg("run")
        .arg(crate::reference_file())
        .args(["--endpoint", &base, "--yes"])
        .arg("--library")
        .arg(&library)
        .env("EASEL_API_KEY", KEY)
        .env("EASEL_BUDGET_DIR", dir.path().join("budget"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        command.env(var, &proxy);
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let printed = [output.stdout.as_slice(), output.stderr.as_slice()].concat();
    let text = String::from_utf8_lossy(&printed);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("you sent Authorization=[redacted]"), "the failure is reported: {text}");
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "a control character was printed: {text:?}");
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "the loopback endpoint was reached directly, not via the proxy");

    let mut journal_seen = false;
    for file in crate::files_under(&library) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!contains(&bytes, KEY.as_bytes()), "{} holds the key", file.display());
        for sequence in ["\u{1b}]0;owned", "\u{1b}[2J", "\u{1b}[31m", "owned\u{07}"] {
            assert!(!contains(&bytes, sequence.as_bytes()), "{} holds {sequence:?}", file.display());
        }
        journal_seen |= contains(&bytes, b"you sent Authorization=[redacted]");
    }
    assert!(journal_seen, "the cleaned failure reason is in the journal (runs.error)");
}
