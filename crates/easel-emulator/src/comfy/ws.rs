//! `GET /ws?clientId=`: the event socket. The client id (or a minted 32-hex one) is the socket's
//! `sid`; a second socket with the same id replaces the first. On connect the socket gets
//! `status` with its `sid`, plus `executing {node}` when its prompt is running; a first text
//! frame `{"type": "feature_flags"}` is answered with the server's flags (and a
//! `supports_preview_metadata` client then gets binary event 4 previews). Anything else a
//! client sends is ignored. No pings, no buffering for absent clients, as the server.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::state::{Client, Comfy, MAX_WS_CLIENTS, WS_BACKLOG};
use super::upload::MAX_UPLOAD_BYTES;

/// Longest client id kept (ids are names of sockets, not payloads).
const MAX_CLIENT_ID: usize = 256;
/// Largest frame a client may send (it only ever sends `feature_flags`).
const MAX_CLIENT_FRAME: usize = 64 * 1024;

/// `GET /ws`.
pub async fn websocket(
    State(comfy): State<Arc<Comfy>>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let sid = match query.get("clientId").filter(|id| !id.is_empty()) {
        Some(id) if id.len() > MAX_CLIENT_ID => {
            return (StatusCode::BAD_REQUEST, "clientId is too long").into_response()
        }
        Some(id) => id.clone(),
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    {
        let books = comfy.books();
        if !books.clients.contains_key(&sid) && books.clients.len() >= MAX_WS_CLIENTS {
            return (StatusCode::SERVICE_UNAVAILABLE, "too many websockets").into_response();
        }
    }
    upgrade.max_message_size(MAX_CLIENT_FRAME).on_upgrade(move |socket| serve(comfy, sid, socket))
}

/// Registers the socket, sends the greeting, then relays frames until either side ends.
async fn serve(comfy: Arc<Comfy>, sid: String, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::channel(WS_BACKLOG);
    let generation = comfy.sockets.fetch_add(1, Ordering::Relaxed);
    let running_node = {
        let mut books = comfy.books();
        // Replacing the entry drops the old socket's sender, which ends its relay.
        books.clients.insert(sid.clone(), Client { tx, generation, preview_metadata: false });
        books
            .running
            .as_ref()
            .filter(|r| r.queued.client_id().as_deref() == Some(sid.as_str()))
            .and_then(|r| r.node.clone())
    };
    let mut greeting = vec![comfy.status_message(Some(&sid))];
    if let Some(node) = running_node {
        greeting.push(json!({"type": "executing", "data": {"node": node}}));
    }
    for message in greeting {
        if socket.send(Message::Text(message.to_string().into())).await.is_err() {
            return forget(&comfy, &sid, generation);
        }
    }
    let mut closing = comfy.closing.subscribe();
    let mut first = true;
    loop {
        tokio::select! {
            outgoing = rx.recv() => match outgoing {
                Some(Message::Close(frame)) => {
                    // The socket ends here; a client that already hung up cannot be told.
                    let _ = socket.send(Message::Close(frame)).await;
                    break;
                }
                Some(message) => if socket.send(message).await.is_err() { break },
                None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if std::mem::take(&mut first) {
                        if let Some(reply) = feature_flags(&comfy, &sid, generation, &text) {
                            if socket.send(Message::Text(reply.to_string().into())).await.is_err() { break }
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = closing.changed() => {
                // As above: the server is closing whether or not the client hears it.
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
        }
    }
    forget(&comfy, &sid, generation);
}

/// Removes the socket's entry unless a newer socket with the same id has taken it.
fn forget(comfy: &Comfy, sid: &str, generation: u64) {
    let mut books = comfy.books();
    if books.clients.get(sid).is_some_and(|c| c.generation == generation) {
        books.clients.remove(sid);
    }
}

/// The reply to a first `feature_flags` frame, noting whether the client takes event 4.
fn feature_flags(comfy: &Comfy, sid: &str, generation: u64, text: &str) -> Option<Value> {
    let message: Value = serde_json::from_str(text).ok()?;
    if message.get("type").and_then(Value::as_str) != Some("feature_flags") {
        return None;
    }
    let wants = message.pointer("/data/supports_preview_metadata").and_then(Value::as_bool) == Some(true);
    if let Some(client) = comfy.books().clients.get_mut(sid).filter(|c| c.generation == generation) {
        client.preview_metadata = wants;
    }
    Some(
        json!({"type": "feature_flags", "data": {"supports_preview_metadata": true, "max_upload_size": MAX_UPLOAD_BYTES}}),
    )
}
