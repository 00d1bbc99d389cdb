//! What a hostile server sends is bounded: a reply or a result file larger than the limits is
//! refused by its declared length before anything is read, and by counting when it declares none.
//! A result that cannot be written is the machine's failure, told apart from the network's.

use std::sync::Arc;
use std::time::Duration;

use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive, TamsError, MAX_DOWNLOAD_BYTES, MAX_REPLY_BYTES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server that answers every connection with `head` and then `body_bytes` bytes of `x`.
async fn server(head: String, body_bytes: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let head = head.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                if socket.read(&mut request).await.is_err() {
                    return;
                }
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let mut sent = 0;
                while sent < body_bytes {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len() as u64;
                }
            });
        }
    });
    format!("http://{addr}")
}

fn client(base: &str) -> Client {
    let mut config = ClientConfig::new(base, Auth::Bearer(Sensitive::new("k".into())));
    config.max_attempts = 1;
    config.timeout = Duration::from_secs(30);
    Client::new(config, Arc::new(Budget::new(1000, Duration::from_secs(1)))).unwrap()
}

#[tokio::test]
async fn a_declared_oversized_download_is_refused_unread() {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", MAX_DOWNLOAD_BYTES + 1);
    let base = server(head, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let mut file = tokio::fs::File::create(dir.path().join("x.png")).await.unwrap();
    let err = client(&base).download(&format!("{base}/files/1.png"), &mut file).await.unwrap_err();
    assert!(matches!(err, TamsError::TooLarge { .. }), "{err}");
    assert_eq!(std::fs::metadata(dir.path().join("x.png")).unwrap().len(), 0, "nothing was written");
}

#[tokio::test]
async fn a_result_that_cannot_be_written_is_an_io_error_not_a_network_one() {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 65536\r\n\r\n".to_string();
    let base = server(head, 65536).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.png");
    std::fs::write(&path, b"").unwrap();
    // Opened for reading only, so every write fails as a full disk would, even for root.
    let mut file = tokio::fs::File::open(&path).await.unwrap();
    let err = client(&base).download(&format!("{base}/files/1.png"), &mut file).await.unwrap_err();
    assert!(matches!(err, TamsError::Write { .. }), "{err}");
    assert_eq!((err.code(), err.is_retryable()), (easel_error::ErrorCode::Io, false), "{err}");
    assert!(err.to_string().contains("could not be written to disk"), "{err}");
}

#[tokio::test]
async fn an_endless_reply_is_cut_at_the_limit() {
    // Chunked with no length: the client counts and stops at the limit.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_string();
    let base = server(head, MAX_REPLY_BYTES + 1024 * 1024).await;
    let err = client(&base).get_job("1").await.unwrap_err();
    assert!(matches!(err, TamsError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("larger than the 8 MB"), "{err}");
}
