//! A finished prompt as `/history/<id>` records it (outputs per node, `status` with its
//! messages) and its result files through `/view`, streamed to a file under a size limit.
//! The server answers `{}` for a prompt that is unknown, waiting or still running; the engine
//! tells those apart with `/queue`. Leaves out `/view`'s re-encoding options: Easel keeps the
//! server's own file, chunks and all.

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::{Comfy, ComfyError};

/// The largest result file downloaded (an 8192² RGBA PNG stored raw is 256 MB).
pub const MAX_IMAGE_BYTES: u64 = 256 * 1024 * 1024;

/// A file the server made, as `executed` and `/history` name it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ImageRef {
    pub filename: String,
    #[serde(default)]
    pub subfolder: String,
    /// `output` for saved images, `temp` for previews.
    #[serde(rename = "type", default = "output")]
    pub kind: String,
}

fn output() -> String {
    "output".into()
}

/// How a recorded prompt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Succeeded,
    /// `execution_error`: the node that failed and the exception's text.
    Failed {
        node_id: Option<String>,
        message: String,
    },
    Interrupted,
}

/// One prompt of `/history`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub status: RunStatus,
    /// Every image file, by the node that made it, in the server's order.
    pub images: Vec<(String, ImageRef)>,
}

impl HistoryEntry {
    /// Reads one entry; `None` when it has neither outputs nor status (not a history entry).
    pub fn parse(entry: &Value) -> Option<HistoryEntry> {
        let outputs = entry.get("outputs").and_then(Value::as_object);
        let status = entry.get("status");
        if outputs.is_none() && status.is_none() {
            return None;
        }
        let mut images = Vec::new();
        for (node, output) in outputs.into_iter().flatten() {
            for image in output.get("images").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                if let Ok(image) = ImageRef::deserialize(image) {
                    images.push((node.clone(), image));
                }
            }
        }
        let messages =
            status.and_then(|s| s.get("messages")).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let message_of = |kind: &str| {
            messages.iter().find(|m| m.get(0).and_then(Value::as_str) == Some(kind)).and_then(|m| m.get(1))
        };
        let status_str = status.and_then(|s| s.get("status_str")).and_then(Value::as_str);
        let status = if message_of("execution_interrupted").is_some() {
            RunStatus::Interrupted
        } else if let Some(error) = message_of("execution_error") {
            RunStatus::Failed {
                node_id: error.get("node_id").and_then(Value::as_str).map(str::to_string),
                message: error
                    .get("exception_message")
                    .and_then(Value::as_str)
                    .unwrap_or("the node failed")
                    .trim()
                    .to_string(),
            }
        } else if status_str == Some("error") {
            RunStatus::Failed { node_id: None, message: "the server recorded the prompt as failed".into() }
        } else {
            // Entries of servers before `status` existed hold outputs only: those finished.
            RunStatus::Succeeded
        };
        Some(HistoryEntry { status, images })
    }
}

impl Comfy {
    /// The prompt's record once it has ended; `None` while unknown, waiting or running.
    pub async fn history(&self, prompt_id: &str) -> Result<Option<HistoryEntry>, ComfyError> {
        let route = format!("history/{prompt_id}");
        let value = self.get_json(&route).await?;
        let Some(entry) = value.get(prompt_id) else { return Ok(None) };
        let mut entry = HistoryEntry::parse(entry).ok_or_else(|| ComfyError::BadReply {
            route: format!("/{route}"),
            why: "an entry without outputs or status".into(),
        })?;
        if let RunStatus::Failed { message, .. } = &mut entry.status {
            *message = self.clean(message);
        }
        Ok(Some(entry))
    }

    /// Streams a result file into `file`; returns the byte count.
    pub async fn view(&self, image: &ImageRef, file: &mut tokio::fs::File) -> Result<u64, ComfyError> {
        let url = self.url("view")?;
        let query = [
            ("filename", image.filename.as_str()),
            ("subfolder", image.subfolder.as_str()),
            ("type", image.kind.as_str()),
        ];
        let response = self.send(self.request(reqwest::Method::GET, url).query(&query), "view").await?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.http_error("view", status.as_u16(), ""));
        }
        let too_large = || ComfyError::TooLarge {
            what: format!("the result {}", self.clean(&image.filename)),
            limit_mb: MAX_IMAGE_BYTES >> 20,
        };
        let expected = response.content_length();
        if expected.is_some_and(|n| n > MAX_IMAGE_BYTES) {
            return Err(too_large());
        }
        let io = |e: std::io::Error| ComfyError::Io { path: self.clean(&image.filename), reason: e.to_string() };
        let mut written = 0u64;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.network("view", &e))?;
            if written + chunk.len() as u64 > MAX_IMAGE_BYTES {
                return Err(too_large());
            }
            file.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        if let Some(expected) = expected.filter(|e| *e != written) {
            return Err(ComfyError::Network {
                host: self.label(),
                reason: format!("download cut short: {written} of {expected} bytes"),
            });
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_gives_its_images_and_how_it_ended() {
        let ok = json!({"prompt": [3, "p", {}, {}, ["9"]],
            "outputs": {"9": {"images": [{"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output"}]}},
            "status": {"status_str": "success", "completed": true, "messages": [["execution_start", {"prompt_id": "p"}]]}});
        let entry = HistoryEntry::parse(&ok).unwrap();
        assert_eq!(entry.status, RunStatus::Succeeded);
        assert_eq!(
            entry.images,
            vec![(
                "9".into(),
                ImageRef { filename: "ComfyUI_00001_.png".into(), subfolder: String::new(), kind: "output".into() }
            )]
        );
        let failed = json!({"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [
            ["execution_error", {"prompt_id": "p", "node_id": "3", "exception_message": "CUDA out of memory\n"}]]}});
        assert_eq!(
            HistoryEntry::parse(&failed).unwrap().status,
            RunStatus::Failed { node_id: Some("3".into()), message: "CUDA out of memory".into() }
        );
        let stopped = json!({"outputs": {}, "status": {"status_str": "error", "completed": false, "messages": [["execution_interrupted", {"prompt_id": "p"}]]}});
        assert_eq!(HistoryEntry::parse(&stopped).unwrap().status, RunStatus::Interrupted);
        assert_eq!(HistoryEntry::parse(&json!({})), None);
    }
}
