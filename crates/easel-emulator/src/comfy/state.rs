//! What one ComfyUI-flavoured instance holds: the prompt counter, the pending queue and the
//! running prompt, the history, the files (uploads and rendered outputs, in memory only) and the
//! open websockets by client id. Every table is bounded by a constant below and sits behind one
//! short-lived mutex; no lock is held across an await. Executing prompts is `runner`'s job and
//! talking to sockets is `ws`'s; this file only keeps the books.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::Message;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch, Notify};

use crate::validate::Checked;
use crate::EmulatorConfig;

/// Prompts waiting at once; beyond it `POST /prompt` is refused (the server has no cap).
pub const MAX_PENDING: usize = 1000;
/// History entries kept, oldest dropped first (the server keeps 10 000; ours hold whole graphs).
pub const MAX_HISTORY_KEPT: usize = 1000;
/// Uploaded files kept, oldest dropped first.
pub const MAX_UPLOADS_KEPT: usize = 256;
/// Bytes of uploads and rendered outputs kept (each table), oldest dropped first.
pub const MAX_FILE_BYTES_KEPT: usize = 256 * 1024 * 1024;
/// Rendered output files kept, oldest dropped first.
pub const MAX_OUTPUTS_KEPT: usize = 512;
/// Websockets open at once; further upgrades get 503.
pub const MAX_WS_CLIENTS: usize = 64;
/// Messages waiting for one slow socket; a socket that falls this far behind is closed.
pub const WS_BACKLOG: usize = 1024;

/// A stored file, keyed by (type, subfolder, name) as `/view` names it.
pub type FileKey = (String, String, String);

/// A prompt accepted by `POST /prompt`, waiting or running.
#[derive(Debug, Clone)]
pub struct Queued {
    /// `number` as the queue tuple shows it (an int from the counter, or the client's float).
    pub number: Value,
    /// Sort key: lowest runs first.
    pub rank: f64,
    /// The prompt id.
    pub prompt_id: String,
    /// The API graph exactly as sent.
    pub prompt: Value,
    /// `extra_data` with `client_id` and `create_time` added.
    pub extra_data: Value,
    /// Output nodes that passed validation.
    pub outputs: Vec<String>,
    /// The parsed graph and its execution order.
    pub checked: Checked,
}

impl Queued {
    /// The 5-tuple `/queue` and `/history` show.
    pub fn tuple(&self) -> Value {
        json!([self.number, self.prompt_id, self.prompt, self.extra_data, self.outputs])
    }

    /// The websocket client that gets this prompt's run events, if any.
    pub fn client_id(&self) -> Option<String> {
        self.extra_data.get("client_id").and_then(Value::as_str).map(str::to_string)
    }
}

/// The prompt being executed.
#[derive(Debug, Clone)]
pub struct Running {
    /// What runs.
    pub queued: Queued,
    /// The node executing now (re-sent to its client on reconnect).
    pub node: Option<String>,
    /// Set by `/interrupt`; the runner stops at its next step.
    pub interrupted: bool,
}

/// One open websocket.
#[derive(Debug, Clone)]
pub struct Client {
    /// Frames to send.
    pub tx: mpsc::Sender<Message>,
    /// Tells a replaced socket apart from the one replacing it.
    pub generation: u64,
    /// It asked for preview frames with metadata (binary event 4).
    pub preview_metadata: bool,
}

/// The mutable books.
#[derive(Debug, Default)]
pub struct Books {
    /// Next `number` handed out.
    pub counter: i64,
    /// Waiting prompts, in arrival order (the server's heap array is not sorted either).
    pub pending: Vec<Queued>,
    /// The prompt executing now.
    pub running: Option<Running>,
    /// Finished prompts, oldest first.
    pub history: VecDeque<(String, Value)>,
    /// Uploaded files, oldest first.
    pub uploads: VecDeque<(FileKey, Arc<Vec<u8>>)>,
    /// Rendered outputs, oldest first.
    pub outputs: VecDeque<(FileKey, Arc<Vec<u8>>)>,
    /// Open sockets by client id.
    pub clients: HashMap<String, Client>,
    /// Saved images so far, for `ComfyUI_00001_.png`-style names.
    pub saved: u64,
}

/// The state of one ComfyUI-flavoured instance.
#[derive(Debug)]
pub struct Comfy {
    /// The configuration it was started with.
    pub config: EmulatorConfig,
    books: Mutex<Books>,
    /// Wakes the runner when a prompt is queued.
    pub wake: Notify,
    /// Becomes true when the emulator stops: the runner and every socket end.
    pub closing: watch::Sender<bool>,
    /// Numbers HTTP requests and prompts for fault decisions.
    pub requests: AtomicU64,
    /// Numbers sockets (`Client::generation`).
    pub sockets: AtomicU64,
    /// The node schemas it validates with: the bundled core set and its custom nodes.
    pub schemas: easel_workflow::Schemas,
}

impl Comfy {
    /// Fresh, empty state.
    pub fn new(config: EmulatorConfig) -> Comfy {
        let custom = config.custom_nodes.clone().unwrap_or_default();
        let schemas = match easel_workflow::Schemas::from_object_info(&serde_json::Value::Object(custom)) {
            Ok(custom) => easel_workflow::Schemas::bundled().clone().merged(custom),
            Err(e) => {
                eprintln!("easel-emulator: the custom nodes' schemas are unreadable and left out: {e}");
                easel_workflow::Schemas::bundled().clone()
            }
        };
        Comfy {
            schemas,
            config,
            books: Mutex::default(),
            wake: Notify::new(),
            closing: watch::channel(false).0,
            requests: AtomicU64::new(0),
            sockets: AtomicU64::new(0),
        }
    }

    /// The books, locked briefly. A panic cannot leave them half-updated (single pushes).
    pub fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next number for a fault decision.
    pub fn next_request(&self) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed)
    }

    /// Pending plus running, as `status` reports it.
    pub fn queue_remaining(&self) -> usize {
        let books = self.books();
        books.pending.len() + usize::from(books.running.is_some())
    }

    /// The `status` message (with `sid` for the socket that just connected).
    pub fn status_message(&self, sid: Option<&str>) -> Value {
        let mut data = json!({"status": {"exec_info": {"queue_remaining": self.queue_remaining()}}});
        if let Some(sid) = sid {
            data["sid"] = Value::from(sid);
        }
        json!({"type": "status", "data": data})
    }

    /// Sends a text message to `client` (all sockets when `None`). Sockets whose backlog is full
    /// are dropped, as the server's drops messages for a client that is gone.
    pub fn send(&self, client: Option<&str>, message: &Value) {
        self.send_frame(client, |_| Some(Message::Text(message.to_string().into())));
    }

    /// Sends a frame built per socket (previews differ by what the socket asked for).
    pub fn send_frame(&self, client: Option<&str>, frame: impl Fn(&Client) -> Option<Message>) {
        let mut books = self.books();
        let mut stuck = Vec::new();
        for (id, c) in books.clients.iter().filter(|(id, _)| client.is_none_or(|want| want == id.as_str())) {
            if let Some(message) = frame(c) {
                if c.tx.try_send(message).is_err() {
                    stuck.push(id.clone());
                }
            }
        }
        for id in stuck {
            books.clients.remove(&id);
        }
    }

    /// Closes `client`'s socket (the `wsdrop` fault); events meanwhile are dropped, as for any
    /// absent client, until it reconnects.
    pub fn drop_client(&self, client: &str) {
        if let Some(gone) = self.books().clients.remove(client) {
            // A full or closed queue means the socket is already on its way out; the client has
            // left the books either way.
            let _ = gone.tx.try_send(Message::Close(None));
        }
    }

    /// Broadcasts the queue size to every socket.
    pub fn broadcast_status(&self) {
        let message = self.status_message(None);
        self.send(None, &message);
    }

    /// Keeps `bytes` under `key` in `table`, dropping the oldest beyond the bounds.
    pub fn keep(table: &mut VecDeque<(FileKey, Arc<Vec<u8>>)>, key: FileKey, bytes: Arc<Vec<u8>>, max: usize) {
        table.retain(|(k, _)| k != &key);
        table.push_back((key, bytes));
        let mut total: usize = table.iter().map(|(_, b)| b.len()).sum();
        while table.len() > 1 && (table.len() > max || total > MAX_FILE_BYTES_KEPT) {
            if let Some((_, gone)) = table.pop_front() {
                total -= gone.len();
            }
        }
    }

    /// A stored file: outputs for `output`/`temp`, uploads for every type.
    pub fn file(&self, key: &FileKey) -> Option<Arc<Vec<u8>>> {
        let books = self.books();
        let find =
            |table: &VecDeque<(FileKey, Arc<Vec<u8>>)>| table.iter().find(|(k, _)| k == key).map(|(_, b)| b.clone());
        find(&books.outputs).or_else(|| find(&books.uploads))
    }
}
