//! A hostile TAMS look-alike on 127.0.0.1: oversized and endless results and JSON replies.

use super::*;

/// How the hostile server misbehaves.
#[derive(Clone, Copy, Debug)]
enum Hostility {
    /// The result image says Content-Length: 1.5 GB (and would stream that much).
    HugeImage,
    /// The result image has no Content-Length and never ends.
    EndlessImage,
    /// The price check's reply says Content-Length: 600 MB.
    HugeJson,
    /// The price check's reply has no Content-Length and never ends.
    EndlessJson,
}

/// A TAMS look-alike on 127.0.0.1 with hand-written HTTP/1.1 replies, one request per
/// connection. Stops accepting when dropped or after `MAX_CONNECTIONS`.
struct HostileServer {
    port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl HostileServer {
    fn start(mode: Hostility) -> HostileServer {
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let port = listener.local_addr().unwrap().port();
                port_tx.send(port).unwrap();
                for _ in 0..MAX_CONNECTIONS {
                    let accepted = tokio::select! {
                        _ = &mut stopped => return,
                        accepted = listener.accept() => accepted,
                    };
                    let Ok((socket, _)) = accepted else { continue };
                    tokio::spawn(serve(socket, mode, port));
                }
            });
        });
        HostileServer { port: port_rx.recv().unwrap(), stop: Some(stop) }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server thread may already have ended after its last connection.
            if stop.send(()).is_err() {
                println!("hostile server already stopped");
            }
        }
    }
}

/// Reads one request (head, then a body of its Content-Length), answers it, closes.
async fn serve(mut socket: TcpStream, mode: Hostility, port: u16) {
    let mut request = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if request.len() > MAX_REQUEST {
            return;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0usize)
        .min(MAX_REQUEST);
    while request.len() < head_end + length {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.lines().next().unwrap_or_default().to_string();
    let json_reply = |body: String| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let job = |status: &str| {
        json!({"job": {"id": "7001", "status": status, "credits": 1,
            "successInfo": {"images": [{"id": "9001", "url": format!("http://127.0.0.1:{port}/results/9001.png")}]}}})
        .to_string()
    };
    let reply = if line.starts_with("POST /v1/jobs/workflow/params/check") {
        match mode {
            Hostility::HugeJson => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HUGE_JSON}\r\nConnection: close\r\n\r\n"
                );
                return stream(socket, head, b"[0,", HUGE_JSON).await;
            }
            Hostility::EndlessJson => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_string();
                return stream(socket, head, b"[0,", MAX_STREAMED).await;
            }
            _ => json_reply(json!({"valid": true, "credits": 1}).to_string()),
        }
    } else if line.starts_with("POST /v1/jobs/workflow ") {
        json_reply(json!({"job": {"id": "7001", "status": "CREATED"}}).to_string())
    } else if line.starts_with("GET /v1/jobs/7001 ") {
        json_reply(job("SUCCESS"))
    } else if line.starts_with("GET /results/") {
        // A PNG signature first, so only the size can be the reason to refuse it.
        let (head, total) = match mode {
            Hostility::EndlessImage => {
                ("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n".to_string(), MAX_STREAMED)
            }
            _ => (
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {HUGE_IMAGE}\r\nConnection: close\r\n\r\n"
                ),
                HUGE_IMAGE,
            ),
        };
        return stream(socket, head, b"\x89PNG\r\n\x1a\n", total).await;
    } else {
        let body = json!({"code": 5, "message": "not found"}).to_string();
        format!(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    if socket.write_all(reply.as_bytes()).await.is_err() {
        println!("hostile server: the client closed before the reply to {line}");
    }
}

/// Writes `head`, then `first` and zeros up to `total` bytes, until the client hangs up.
async fn stream(mut socket: TcpStream, head: String, first: &[u8], total: u64) {
    if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(first).await.is_err() {
        return;
    }
    let block = vec![b'0'; 64 * 1024];
    let mut sent = first.len() as u64;
    while sent < total {
        let n = block.len().min((total - sent) as usize);
        if socket.write_all(&block[..n]).await.is_err() {
            return;
        }
        sent += n as u64;
    }
    println!("hostile server: the client read all {sent} bytes");
}

/// `easel run reference.json --endpoint <hostile> --json` in a fresh library; returns the
/// outcome and the library.
fn run_against(mode: Hostility, dir: &Path) -> (Outcome, PathBuf) {
    let server = HostileServer::start(mode);
    let library = dir.join(format!("{mode:?}"));
    let budget = dir.join("budget");
    let url = server.url();
    let outcome = easel(
        &[
            os("run"),
            crate::reference_file().as_os_str(),
            os("--yes"),
            os("--json"),
            os("--endpoint"),
            os(&url),
            os("--library"),
            library.as_os_str(),
        ],
        &[("EASEL_BUDGET_DIR", budget.as_os_str())],
    );
    drop(server);
    (outcome, library)
}

#[test]
fn oversized_and_endless_results_are_refused_without_leftovers() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    for mode in [Hostility::HugeImage, Hostility::EndlessImage] {
        let (outcome, library) = run_against(mode, dir.path());
        outcome
            .expect(&format!("run against {mode:?}"), 1)
            .says(&format!("{mode:?}"), &["larger than the 256 MB Easel accepts"]);
        let (indexed, pngs, parts) = library_state(&library);
        assert_eq!((indexed, pngs, parts), (0, 0, 0), "{mode:?}: nothing indexed, saved or left half-written");
        let runs = journal(&library);
        assert_eq!(runs.len(), 1, "{mode:?}: {runs:?}");
        assert_eq!(runs[0].1, "failed", "{mode:?}: the journal says what happened");
        assert_eq!(runs[0].2.as_deref(), Some("server"));
        assert_eq!(runs[0].3, 0);
    }
}

#[test]
fn oversized_and_endless_json_replies_are_refused_before_anything_is_recorded() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    for mode in [Hostility::HugeJson, Hostility::EndlessJson] {
        let (outcome, library) = run_against(mode, dir.path());
        outcome
            .expect(&format!("run against {mode:?}"), 1)
            .says(&format!("{mode:?}"), &["larger than the 8 MB Easel accepts"]);
        assert!(journal(&library).is_empty(), "{mode:?}: the price check failed, so no run was recorded");
        assert_eq!(library_state(&library), (0, 0, 0));
    }
}
