//! Starting and stopping an emulator instance: bind 127.0.0.1, spawn the axum server on the
//! current tokio runtime, and stop it gracefully on `shutdown` (or, without waiting, on drop).
//! What the server answers is decided in `routes`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::routes::router;
use crate::state::Shared;
use crate::{EmulatorConfig, EmulatorError};

/// How long `shutdown` waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running emulator. Dropping it stops the server too, without waiting.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `127.0.0.1:config.port` and serves on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let port = config.port;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| EmulatorError::Bind { port, source })?;
        let addr = listener.local_addr().map_err(|source| EmulatorError::Bind { port, source })?;
        let shared = Arc::new(Shared::new(config, format!("http://{addr}"))?);
        let app = router(shared);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                // Either a stop signal or the sender being dropped means "stop".
                let _ = stopped.await;
            });
            if let Err(e) = server.await {
                eprintln!("easel-emulator: server stopped: {e}");
            }
        });
        Ok(Emulator { addr, stop: Some(stop), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits (briefly) for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already have stopped; then there is nobody to tell.
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // As in `shutdown`: a server that already stopped needs no signal.
            let _ = stop.send(());
        }
    }
}
