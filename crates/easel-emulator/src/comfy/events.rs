//! One run's websocket events, routed as the server routes them: run events (`execution_*`,
//! `executing`, `executed`) only to the prompt's `client_id` and not at all without one;
//! `progress`, previews and `execution_interrupted` to that client, or to every socket when the
//! prompt has none. Also the history's `messages` list (the `execution_*` events, in order) and
//! the binary preview frames: event 1 (`uint32 BE` type, `uint32 BE` format 2 = PNG, PNG bytes)
//! for plain clients, event 4 (with a JSON metadata block) for clients that asked for it.

use std::sync::Arc;

use axum::extract::ws::Message;
use serde_json::{json, Value};

use super::prompt::unix_millis;
use super::state::Comfy;

/// Binary event numbers and the image format word.
const PREVIEW_IMAGE: u32 = 1;
const PREVIEW_IMAGE_WITH_METADATA: u32 = 4;
const FORMAT_PNG: u32 = 2;

/// Sends one run's events and keeps what the history records.
pub struct RunLog {
    comfy: Arc<Comfy>,
    client: Option<String>,
    prompt_id: String,
    /// `[type, data]` pairs of the `execution_*` events, for `status.messages`.
    pub messages: Vec<Value>,
}

impl RunLog {
    /// A log for prompt `prompt_id` of `client`.
    pub fn new(comfy: Arc<Comfy>, client: Option<String>, prompt_id: String) -> RunLog {
        RunLog { comfy, client, prompt_id, messages: Vec::new() }
    }

    /// A run event: sent only when the prompt has a client; `record` adds it to the history.
    pub fn run_event(&mut self, kind: &str, data: Value, record: bool) {
        if record {
            self.messages.push(json!([kind, data]));
        }
        if let Some(client) = &self.client {
            self.comfy.send(Some(client), &json!({"type": kind, "data": data}));
        }
    }

    /// `execution_interrupted`: broadcast when the prompt has no client.
    pub fn interrupted(&mut self, data: Value) {
        self.messages.push(json!(["execution_interrupted", data]));
        self.comfy.send(self.client.as_deref(), &json!({"type": "execution_interrupted", "data": data}));
    }

    /// One sampler step.
    pub fn progress(&self, node: &str, value: u64, max: u64) {
        let data = json!({"value": value, "max": max, "prompt_id": self.prompt_id, "node": node});
        self.comfy.send(self.client.as_deref(), &json!({"type": "progress", "data": data}));
    }

    /// A preview frame of `png` for node `node`.
    pub fn preview(&self, node: &str, png: &Arc<Vec<u8>>) {
        if png.is_empty() {
            return;
        }
        let metadata = json!({"node_id": node, "prompt_id": self.prompt_id, "display_node_id": node,
            "parent_node_id": null, "real_node_id": node, "image_type": "image/png"})
        .to_string();
        self.comfy.send_frame(self.client.as_deref(), |client| {
            let mut frame = Vec::with_capacity(png.len() + metadata.len() + 12);
            if client.preview_metadata {
                frame.extend_from_slice(&PREVIEW_IMAGE_WITH_METADATA.to_be_bytes());
                frame.extend_from_slice(&(metadata.len() as u32).to_be_bytes());
                frame.extend_from_slice(metadata.as_bytes());
            } else {
                frame.extend_from_slice(&PREVIEW_IMAGE.to_be_bytes());
                frame.extend_from_slice(&FORMAT_PNG.to_be_bytes());
            }
            frame.extend_from_slice(png);
            Some(Message::Binary(frame.into()))
        });
    }
}

/// The `execution_error` data of an injected failure: an out-of-memory error, the most common
/// real one, whose message ends with the server's tips paragraph.
pub fn execution_error(prompt_id: &str, node: &str, class: &str, executed: &[String]) -> Value {
    json!({
        "prompt_id": prompt_id,
        "node_id": node,
        "node_type": class,
        "executed": executed,
        "exception_message": "Allocation on device (injected fault: the emulated GPU ran out of memory)\nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.\n",
        "exception_type": "torch.OutOfMemoryError",
        "traceback": ["  File \"execution.py\", line 1, in execute (emulated)\n"],
        "current_inputs": {},
        "current_outputs": [],
        "timestamp": unix_millis(),
    })
}
