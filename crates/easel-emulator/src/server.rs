//! Starting and stopping an emulator instance: bind 127.0.0.1, spawn the axum server on the
//! current tokio runtime, and stop it gracefully on `shutdown` (or, without waiting, on drop).
//! What the server answers is decided in `routes`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::log::{LoggedRequest, RequestLog};
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
    shared: Arc<Shared>,
    log: Arc<RequestLog>,
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
        let log = Arc::new(RequestLog::default());
        let app = router(shared.clone()).layer(axum::middleware::from_fn_with_state(log.clone(), crate::log::record));
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
        Ok(Emulator { addr, stop: Some(stop), task: Some(task), shared, log })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request answered so far (method, path without query, status), by arrival.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.entries()
    }

    /// When every `/v1` request arrived (authenticated or not), oldest first: what a rate
    /// limit on the real service would count. Capped at about a million entries.
    pub fn request_arrivals(&self) -> Vec<Instant> {
        self.shared.arrivals()
    }

    /// When job `job_id`'s output images appear (its output nodes report SUCCESS with their
    /// URLs) and when the job itself becomes SUCCESS, if the job exists and does not fail.
    pub fn job_milestones(&self, job_id: &str) -> Option<(Instant, Instant)> {
        let job = self.shared.job(job_id.parse().ok()?)?;
        if job.schedule.fail_at.is_some() {
            return None;
        }
        let clock = self.shared.clock;
        Some((
            job.created + clock.time_of(job.schedule.outputs_tick()),
            job.created + clock.time_of(job.schedule.total_ticks()),
        ))
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
