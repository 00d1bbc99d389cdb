//! The websocket kept open for one client id: connects to `/ws?clientId=<ours>` (our extra
//! header on the upgrade too), turns frames into events on a channel, and after a drop
//! connects again with the same id (so the server routes our prompts' events to the new
//! socket) and says so: what was missed while away is read from `/history` by the engine, the
//! server does not buffer it. Gives up after `RECONNECT_ATTEMPTS` connections in a row that
//! failed or closed before saying anything; ends when the receiver is dropped.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::{parse_binary, parse_text, Comfy, ComfyError, Event};

/// Connections in a row that fail (or close at once) before the watch gives up.
pub const RECONNECT_ATTEMPTS: u32 = 20;

/// The largest websocket message read: previews are a few hundred KB at most.
const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// How long the upgrade may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause before connecting again: doubles from the first, up to the last.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(200), Duration::from_secs(5));

/// Events waiting for the engine before the socket is read more slowly.
const QUEUED_EVENTS: usize = 512;

/// What the watch reports.
#[derive(Debug, Clone)]
pub enum Watched {
    /// The socket is open; `again` after a drop (events may have been missed).
    Connected {
        again: bool,
    },
    Event(Event),
    /// The server stayed unreachable: nothing more will come.
    Gone(ComfyError),
}

/// A running watch; dropping it closes the socket.
pub struct Watch {
    pub events: mpsc::Receiver<Watched>,
    task: JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Comfy {
    /// Opens the websocket for this client id and keeps it open.
    pub fn watch(&self) -> Watch {
        let (tx, events) = mpsc::channel(QUEUED_EVENTS);
        let task = tokio::spawn(keep(self.clone(), tx));
        Watch { events, task }
    }
}

async fn keep(comfy: Comfy, tx: mpsc::Sender<Watched>) {
    let (mut again, mut failures) = (false, 0u32);
    loop {
        let said = match connect(&comfy).await {
            Ok(socket) => {
                if tx.send(Watched::Connected { again }).await.is_err() {
                    return;
                }
                again = true;
                match read(socket, &tx).await {
                    Some(said) => said,
                    None => return,
                }
            }
            Err(e) => {
                if failures + 1 >= RECONNECT_ATTEMPTS {
                    // The receiver may be gone already; then nobody needs to know.
                    if tx.send(Watched::Gone(e)).await.is_err() {
                        return;
                    }
                    return;
                }
                false
            }
        };
        failures = if said { 0 } else { failures + 1 };
        if failures >= RECONNECT_ATTEMPTS {
            let reason = "the server closed the websocket each time without a word".to_string();
            if tx.send(Watched::Gone(ComfyError::Network { host: comfy.label(), reason })).await.is_err() {
                return;
            }
            return;
        }
        let pause = BACKOFF.0.saturating_mul(1 << failures.min(5)).min(BACKOFF.1);
        tokio::time::sleep(pause).await;
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What this client tells the server first: previews should name their node and prompt
/// (binary event 4), so each preview reaches the run it belongs to. Older servers ignore it.
const FEATURE_FLAGS: &str = r#"{"type":"feature_flags","data":{"supports_preview_metadata":true}}"#;

/// Reads until the socket closes; whether the server said anything (`None`: nobody listens).
async fn read(mut socket: Socket, tx: &mpsc::Sender<Watched>) -> Option<bool> {
    // A server that cannot take it still sends plain previews; the run goes on either way.
    if let Err(e) = socket.send(Message::text(FEATURE_FLAGS)).await {
        eprintln!("easel: the ComfyUI websocket did not take the feature flags: {e}");
    }
    let mut said = false;
    while let Some(message) = socket.next().await {
        let event = match message {
            Ok(Message::Text(text)) => parse_text(text.as_str()),
            Ok(Message::Binary(bytes)) => parse_binary(&bytes),
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => None,
        };
        said = true;
        if let Some(event) = event {
            tx.send(Watched::Event(event)).await.ok()?;
        }
    }
    Some(said)
}

async fn connect(comfy: &Comfy) -> Result<Socket, ComfyError> {
    let mut url = comfy.url("ws")?;
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme).map_err(|()| ComfyError::Endpoint("no websocket address for this server".into()))?;
    url.query_pairs_mut().append_pair("clientId", comfy.client_id());
    let network = |reason: String| ComfyError::Network { host: comfy.label(), reason: comfy.clean(&reason) };
    let mut request = url.as_str().into_client_request().map_err(|e| network(format!("/ws: {e}")))?;
    if let Some((name, value)) = &comfy.header {
        let name = HeaderName::from_bytes(name.as_str().as_bytes()).map_err(|e| network(e.to_string()))?;
        let mut value = HeaderValue::from_bytes(value.as_bytes()).map_err(|e| network(e.to_string()))?;
        value.set_sensitive(true);
        request.headers_mut().insert(name, value);
    }
    let config =
        WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE_BYTES)).max_frame_size(Some(MAX_MESSAGE_BYTES));
    let upgrade = tokio_tungstenite::connect_async_with_config(request, Some(config), false);
    match tokio::time::timeout(CONNECT_TIMEOUT, upgrade).await {
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(e)) => Err(network(format!("/ws: {e}"))),
        Err(_) => Err(network(format!("/ws: no answer within {} s", CONNECT_TIMEOUT.as_secs()))),
    }
}
