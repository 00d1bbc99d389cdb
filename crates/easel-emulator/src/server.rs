//! Starting and stopping an emulator instance: bind 127.0.0.1, serve on the current tokio
//! runtime, and stop gracefully on `shutdown` (or, without waiting, on drop). Connections are
//! served here rather than by `axum::serve` because it cannot bound them: each connection
//! needs a free slot (`max_connections`; later ones wait in the kernel's accept queue, costing
//! no descriptor here) and must send each request's headers within `header_timeout`, which
//! also closes connections left idle. What the server answers is decided in `routes`.

use std::net::{Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use crate::comfy::Comfy;
use crate::log::{LoggedRequest, RequestLog};
use crate::routes::router;
use crate::state::Shared;
use crate::{EmulatorConfig, EmulatorError, Flavor};

/// How long `shutdown` waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// Pause after an accept error that is not about one connection (out of descriptors, say), so
/// the loop does not spin while the cause lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(250);

/// A running emulator. Dropping it stops the server too, without waiting.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    log: Arc<RequestLog>,
    /// The ComfyUI flavour's state, told to stop its worker and sockets when the server stops.
    comfy: Option<Arc<Comfy>>,
}

/// What each connection is allowed.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    header_timeout: Duration,
    max_connections: usize,
}

impl Emulator {
    /// Binds `127.0.0.1:config.port` and serves on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let port = config.port;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| EmulatorError::Bind { port, source })?;
        let addr = listener.local_addr().map_err(|source| EmulatorError::Bind { port, source })?;
        let bounds = Bounds { header_timeout: config.header_timeout, max_connections: config.max_connections };
        let flavor = config.flavor;
        let comfy = (flavor == Flavor::ComfyUi).then(|| Arc::new(Comfy::new(config.clone())));
        let shared = Arc::new(Shared::new(config, format!("http://{addr}"))?);
        let log = Arc::new(RequestLog::default());
        let app = match &comfy {
            Some(comfy) => crate::comfy::start(comfy.clone()),
            None => router(shared.clone()),
        };
        let app = app.layer(axum::middleware::from_fn_with_state(log.clone(), crate::log::record));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, app, bounds, stopped));
        Ok(Emulator { addr, stop: Some(stop), task: Some(task), shared, log, comfy })
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

    /// The most `/v1` requests that arrived within any `window` so far: the figure a rate
    /// limit counts, for benchmarks that check a client keeps to it.
    pub fn peak_arrivals(&self, window: std::time::Duration) -> usize {
        let arrivals = self.request_arrivals();
        // Oldest first, so the requests inside the window opened by each are a run from it.
        (0..arrivals.len())
            .map(|i| arrivals[i..].iter().take_while(|t| t.duration_since(arrivals[i]) < window).count())
            .max()
            .unwrap_or(0)
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
        self.close_comfy();
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

impl Emulator {
    /// Ends the ComfyUI flavour's worker and open websockets (they outlive connections).
    fn close_comfy(&self) {
        if let Some(comfy) = &self.comfy {
            comfy.closing.send_replace(true);
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.close_comfy();
        if let Some(stop) = self.stop.take() {
            // As in `shutdown`: a server that already stopped needs no signal.
            let _ = stop.send(());
        }
    }
}

/// Accepts connections until `stopped` fires (or its sender is dropped), then lets the open
/// ones finish their current request and waits for them.
async fn serve(listener: TcpListener, app: Router, bounds: Bounds, mut stopped: oneshot::Receiver<()>) {
    let slots = (bounds.max_connections > 0).then(|| Arc::new(Semaphore::new(bounds.max_connections)));
    // Dropping the sender tells every connection to finish gracefully.
    let (closing, closed) = watch::channel(());
    let mut connections = JoinSet::new();
    loop {
        // Finished connections gave their slot back when they ended; this only frees the set.
        while connections.try_join_next().is_some() {}
        let slot = match &slots {
            None => None,
            Some(slots) => tokio::select! {
                slot = slots.clone().acquire_owned() => match slot {
                    Ok(slot) => Some(slot),
                    // Only a closed semaphore fails, and this loop never closes it.
                    Err(_) => break,
                },
                _ = &mut stopped => break,
            },
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stopped => break,
        };
        match accepted {
            Ok((stream, _)) => {
                connections.spawn(serve_connection(stream, app.clone(), bounds.header_timeout, closed.clone(), slot));
            }
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                eprintln!("easel-emulator: cannot accept a connection: {e}");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
    drop(closing);
    while connections.join_next().await.is_some() {}
}

/// Serves one connection (HTTP/1.1, keep-alive) until it ends or the server closes.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    header_timeout: Duration,
    mut closing: watch::Receiver<()>,
    _slot: Option<OwnedSemaphorePermit>,
) {
    let mut builder = http1::Builder::new();
    // hyper counts the header timeout from when it starts waiting for a request: on a new
    // connection, and again after each reply, so a silent or idle connection is closed too.
    builder.timer(TokioTimer::new()).header_read_timeout((!header_timeout.is_zero()).then_some(header_timeout));
    // Upgrades let the ComfyUI flavour's `/ws` leave HTTP; the TAMS routes never ask for one.
    let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app)).with_upgrades();
    let mut connection = pin!(connection);
    // Errors end only this connection and are expected (header timeouts, clients hanging up,
    // injected resets and truncations), so they are not reported.
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = closing.changed() => {}
    }
    connection.as_mut().graceful_shutdown();
    // As above, an error here ends only this connection.
    let _ = connection.await;
}

/// Accept errors about one connection (it went away before being accepted): try the next.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}
