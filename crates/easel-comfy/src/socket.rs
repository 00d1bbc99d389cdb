//! The websocket's messages as events: text frames `{"type", "data"}` for the run's progress
//! (`execution_start`, `execution_cached`, `executing`, `progress`, `executed`,
//! `execution_success`, `execution_error`, `execution_interrupted`, `status`) and binary frames
//! (a big-endian event word; 1 = a preview with a format word, 4 = a preview with JSON
//! metadata naming its node). Unknown types (custom nodes add their own) and malformed frames
//! are `None`: a server extension never stops a run. Pure; the connection is `watch`.

use serde::Deserialize;
use serde_json::Value;

use crate::ImageRef;

/// A preview picture's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewFormat {
    Jpeg,
    Png,
}

/// One thing the server said.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The queue changed; the first one after connecting carries our session id.
    Status {
        queue_remaining: Option<u64>,
        sid: Option<String>,
    },
    Started {
        prompt_id: String,
    },
    /// Nodes whose outputs were reused: they will not run.
    Cached {
        prompt_id: String,
        nodes: Vec<String>,
    },
    /// A node starts; `node: None` means the prompt is over and its history written.
    Executing {
        prompt_id: Option<String>,
        node: Option<String>,
    },
    Progress {
        prompt_id: Option<String>,
        node: Option<String>,
        value: u64,
        max: u64,
    },
    /// A node's outputs (its images).
    Executed {
        prompt_id: String,
        node: String,
        images: Vec<ImageRef>,
    },
    Succeeded {
        prompt_id: String,
    },
    Failed {
        prompt_id: String,
        node: Option<String>,
        node_type: Option<String>,
        message: String,
    },
    Interrupted {
        prompt_id: String,
        node: Option<String>,
    },
    /// A preview of the running node (its id only when the server sends metadata).
    Preview {
        format: PreviewFormat,
        node: Option<String>,
        prompt_id: Option<String>,
        bytes: Vec<u8>,
    },
}

/// A text frame as an event.
pub fn parse_text(text: &str) -> Option<Event> {
    let message: Value = serde_json::from_str(text).ok()?;
    let data = message.get("data")?;
    let s = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_string);
    let prompt = || s("prompt_id");
    Some(match message.get("type")?.as_str()? {
        "status" => Event::Status {
            queue_remaining: data.pointer("/status/exec_info/queue_remaining").and_then(Value::as_u64),
            sid: s("sid"),
        },
        "execution_start" => Event::Started { prompt_id: prompt()? },
        "execution_cached" => Event::Cached {
            prompt_id: prompt()?,
            nodes: data.get("nodes")?.as_array()?.iter().filter_map(id_text).collect(),
        },
        "executing" => Event::Executing { prompt_id: prompt(), node: data.get("node").and_then(id_text) },
        "progress" => Event::Progress {
            prompt_id: prompt(),
            node: data.get("node").and_then(id_text),
            value: data.get("value")?.as_f64()?.max(0.0) as u64,
            max: data.get("max")?.as_f64()?.max(0.0) as u64,
        },
        "executed" => {
            let images =
                data.pointer("/output/images").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            Event::Executed {
                prompt_id: prompt()?,
                node: data.get("display_node").or_else(|| data.get("node")).and_then(id_text)?,
                images: images.iter().filter_map(|i| ImageRef::deserialize(i).ok()).collect(),
            }
        }
        "execution_success" => Event::Succeeded { prompt_id: prompt()? },
        "execution_error" => Event::Failed {
            prompt_id: prompt()?,
            node: data.get("node_id").and_then(id_text),
            node_type: s("node_type"),
            message: s("exception_message").unwrap_or_else(|| "the node failed".into()).trim().to_string(),
        },
        "execution_interrupted" => {
            Event::Interrupted { prompt_id: prompt()?, node: data.get("node_id").and_then(id_text) }
        }
        _ => return None,
    })
}

/// A binary frame as an event: previews only (progress text frames are left out).
pub fn parse_binary(frame: &[u8]) -> Option<Event> {
    let word = |at: usize| -> Option<u32> { Some(u32::from_be_bytes(frame.get(at..at + 4)?.try_into().ok()?)) };
    match word(0)? {
        1 => {
            let format = match word(4)? {
                1 => PreviewFormat::Jpeg,
                2 => PreviewFormat::Png,
                _ => return None,
            };
            Some(Event::Preview { format, node: None, prompt_id: None, bytes: frame.get(8..)?.to_vec() })
        }
        4 => {
            let length = word(4)? as usize;
            let meta: Value = serde_json::from_slice(frame.get(8..8usize.checked_add(length)?)?).ok()?;
            let format = match meta.get("image_type").and_then(Value::as_str)? {
                "image/png" => PreviewFormat::Png,
                "image/jpeg" => PreviewFormat::Jpeg,
                _ => return None,
            };
            let text = |key: &str| meta.get(key).and_then(id_text);
            Some(Event::Preview {
                format,
                node: text("display_node_id").or_else(|| text("node_id")),
                prompt_id: text("prompt_id"),
                bytes: frame.get(8 + length..)?.to_vec(),
            })
        }
        _ => None,
    }
}

/// Node ids arrive as strings, and from some servers as numbers.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_messages_become_events_and_unknown_ones_are_ignored() {
        let e = |t: &str| parse_text(t);
        assert_eq!(
            e(r#"{"type":"status","data":{"status":{"exec_info":{"queue_remaining":2}},"sid":"c1"}}"#),
            Some(Event::Status { queue_remaining: Some(2), sid: Some("c1".into()) })
        );
        assert_eq!(
            e(r#"{"type":"executing","data":{"node":null,"prompt_id":"p"}}"#),
            Some(Event::Executing { prompt_id: Some("p".into()), node: None })
        );
        assert_eq!(
            e(r#"{"type":"progress","data":{"value":3,"max":20,"node":"3","prompt_id":"p"}}"#),
            Some(Event::Progress { prompt_id: Some("p".into()), node: Some("3".into()), value: 3, max: 20 })
        );
        let executed = r#"{"type":"executed","data":{"node":"9","display_node":"9","prompt_id":"p",
            "output":{"images":[{"filename":"a.png","subfolder":"","type":"output"}]}}}"#;
        let Some(Event::Executed { images, node, .. }) = e(executed) else { panic!("executed") };
        assert_eq!((node.as_str(), images[0].filename.as_str()), ("9", "a.png"));
        assert_eq!(e(r#"{"type":"crystools.monitor","data":{"cpu":3}}"#), None);
        assert_eq!(e("not json"), None);
        assert_eq!(e(r#"{"type":"execution_start","data":{}}"#), None, "a run event without its prompt");
    }

    #[test]
    fn previews_with_and_without_metadata() {
        let mut plain = 1u32.to_be_bytes().to_vec();
        plain.extend(2u32.to_be_bytes());
        plain.extend(b"\x89PNG");
        assert_eq!(
            parse_binary(&plain),
            Some(Event::Preview {
                format: PreviewFormat::Png,
                node: None,
                prompt_id: None,
                bytes: b"\x89PNG".to_vec()
            })
        );
        let meta = br#"{"node_id":"3","display_node_id":"3","prompt_id":"p","image_type":"image/jpeg"}"#;
        let mut rich = 4u32.to_be_bytes().to_vec();
        rich.extend((meta.len() as u32).to_be_bytes());
        rich.extend(meta);
        rich.extend([0xff, 0xd8]);
        let Some(Event::Preview { format, node, bytes, .. }) = parse_binary(&rich) else { panic!("preview") };
        assert_eq!((format, node.as_deref(), bytes), (PreviewFormat::Jpeg, Some("3"), vec![0xff, 0xd8]));
        let mut lying = 4u32.to_be_bytes().to_vec();
        lying.extend(u32::MAX.to_be_bytes());
        assert_eq!(parse_binary(&lying), None, "a length past the frame");
        assert_eq!(parse_binary(&[0, 0]), None);
    }
}
