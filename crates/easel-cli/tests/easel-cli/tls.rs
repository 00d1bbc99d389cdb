//! `easel run` over https to the emulators behind a TLS front on 127.0.0.1, whose certificate a
//! test CA issued (`tls/`, made once with the `openssl` tool, valid 2000–2126). The root store is
//! chosen per child process with `SSL_CERT_FILE`, which the system store loader honours: with
//! the test CA the run saves its image over TLS (on ComfyUI its websocket too, as `wss`); with
//! an unrelated CA the handshake refuses the certificate, the run stops at once with a message
//! that says so, and the server never sees a request, so the key never left.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use crate::{pngs_under, reference_file, EmulatorProcess};

const KEY: &str = "tls-check-key-5e1d";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/easel-cli/tls").join(name)
}

/// A TLS server on 127.0.0.1 that forwards each connection to `backend` once its handshake
/// succeeded. Counts the connections it accepted and the handshakes that succeeded.
struct TlsFront {
    url: String,
    connections: Arc<AtomicUsize>,
    handshakes: Arc<AtomicUsize>,
}

async fn tls_front(backend: SocketAddr) -> TlsFront {
    let certs = CertificateDer::pem_file_iter(fixture("server.pem")).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    // The process's default provider: ring, the one crypto library this build enables.
    let config = ServerConfig::builder().with_no_client_auth().with_single_cert(certs, key).unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let (connections, handshakes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (accepted, shaken) = (connections.clone(), handshakes.clone());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            accepted.fetch_add(1, Ordering::SeqCst);
            let (acceptor, shaken) = (acceptor.clone(), shaken.clone());
            tokio::spawn(async move {
                // A refused handshake ends here: nothing reaches the emulator.
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                shaken.fetch_add(1, Ordering::SeqCst);
                let Ok(mut plain) = TcpStream::connect(backend).await else { return };
                // Either side closing ends the copy; how it ended changes nothing for the test.
                tokio::io::copy_bidirectional(&mut tls, &mut plain).await.ok();
            });
        }
    });
    TlsFront { url, connections, handshakes }
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        api_key: KEY.into(),
        step_delay: Duration::from_millis(10),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap()
}

/// `easel run` of the reference workflow with `args` (the endpoint among them), trusting only the
/// CAs in `roots`.
async fn run(args: &[&str], roots: &Path, library: &Path, budget: &Path) -> Output {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .args(args)
        .arg("--library")
        .arg(library)
        .env("EASEL_API_KEY", KEY)
        .env("EASEL_BUDGET_DIR", budget)
        .env("SSL_CERT_FILE", roots)
        .env_remove("SSL_CERT_DIR")
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(120), child).await.expect("the run ended within 120 s").unwrap()
}

fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://").parse().unwrap()
}

/// The reference example on a ComfyUI server: its model names, over `endpoint`.
fn comfy_args(endpoint: &str) -> Vec<&str> {
    vec![
        "--backend",
        "comfyui",
        "--endpoint",
        endpoint,
        "--set",
        "4.ckpt_name=v1-5-pruned-emaonly.safetensors",
        "--set",
        "10.lora_name=add_detail.safetensors",
        "--set",
        "14.lora_name=add_detail.safetensors",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_over_https_saves_its_image_when_the_certificate_is_trusted() {
    let emulator = emulator().await;
    let front = tls_front(addr_of(&emulator.base_url())).await;
    let (library, budget) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let output = run(&["--yes", "--endpoint", &front.url], &fixture("ca.pem"), library.path(), budget.path()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(pngs_under(library.path()).len(), 1, "the run's image was saved");
    assert!(front.handshakes.load(Ordering::SeqCst) >= 1);
    let api = emulator.requests().into_iter().filter(|r| r.path.starts_with("/v1/")).count();
    assert!(api >= 2, "the run's requests reached the service through TLS ({api})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_stops_the_run_before_anything_is_sent() {
    let emulator = emulator().await;
    let front = tls_front(addr_of(&emulator.base_url())).await;
    let (library, budget) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let output =
        run(&["--yes", "--endpoint", &front.url], &fixture("other-ca.pem"), library.path(), budget.path()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not trusted") && stderr.contains("certificate"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "the reason is the TLS library's: {stderr}");
    assert!(!stderr.contains(KEY) && !String::from_utf8_lossy(&output.stdout).contains(KEY));
    assert_eq!(front.handshakes.load(Ordering::SeqCst), 0, "no handshake succeeded");
    assert_eq!(front.connections.load(Ordering::SeqCst), 1, "refused once, never retried");
    assert!(emulator.requests().is_empty(), "the emulator saw nothing");
    assert!(pngs_under(library.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comfyui_run_over_https_and_wss_saves_its_image_and_an_untrusted_one_stops_at_once() {
    let server = EmulatorProcess::start(&["--flavor", "comfyui", "--port", "0"]);
    let front = tls_front(addr_of(&server.url)).await;
    let (library, budget) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let output = run(&comfy_args(&front.url), &fixture("ca.pem"), library.path(), budget.path()).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(pngs_under(library.path()).len(), 1, "the run's image was saved");
    let trusted = front.handshakes.load(Ordering::SeqCst);
    assert!(trusted >= 2, "HTTP and the websocket both went through TLS ({trusted} handshakes)");

    let refused = tempfile::tempdir().unwrap();
    let before = front.connections.load(Ordering::SeqCst);
    let output = run(&comfy_args(&front.url), &fixture("other-ca.pem"), refused.path(), budget.path()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not trusted") && stderr.contains("UnknownIssuer"), "{stderr}");
    assert_eq!(front.handshakes.load(Ordering::SeqCst), trusted, "no handshake succeeded");
    assert_eq!(front.connections.load(Ordering::SeqCst) - before, 1, "refused once, never retried");
    assert!(pngs_under(refused.path()).is_empty());
}
