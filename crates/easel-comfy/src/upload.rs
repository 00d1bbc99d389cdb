//! Pictures for LoadImage: `POST /upload/image` as multipart (`image` with a file name, `type`
//! input, `overwrite` false so a same-named different file is renamed, never replaced). The
//! name to put into LoadImage is the reply's `subfolder/name`. Bytes are checked by the engine
//! before they come here; this only bounds their size.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::{Comfy, ComfyError};

/// The largest picture uploaded: the server's own default cap is 100 MB per request.
pub const MAX_UPLOAD_BYTES: usize = 100 * 1024 * 1024;

impl Comfy {
    /// Uploads `bytes` as `file_name` into the input folder; returns the name LoadImage takes.
    pub async fn upload_image(
        &self,
        bytes: Vec<u8>,
        file_name: &str,
        content_type: &str,
    ) -> Result<String, ComfyError> {
        if bytes.len() > MAX_UPLOAD_BYTES {
            return Err(ComfyError::TooLarge {
                what: format!("the picture {file_name}"),
                limit_mb: (MAX_UPLOAD_BYTES >> 20) as u64,
            });
        }
        let part = Part::bytes(bytes)
            .file_name(file_name.to_string())
            .mime_str(content_type)
            .map_err(|e| ComfyError::Endpoint(format!("content type {content_type}: {e}")))?;
        let form = Form::new().part("image", part).text("type", "input").text("overwrite", "false");
        let request = self.request(reqwest::Method::POST, self.url("upload/image")?).multipart(form);
        let response = self.send(request, "upload/image").await?;
        let status = response.status();
        let text = self.read(response, "upload/image").await?;
        if !status.is_success() {
            return Err(self.http_error("upload/image", status.as_u16(), &text));
        }
        let reply: Value = serde_json::from_str(&text)
            .map_err(|e| ComfyError::BadReply { route: "/upload/image".into(), why: e.to_string() })?;
        let name = reply.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()).ok_or_else(|| {
            ComfyError::BadReply { route: "/upload/image".into(), why: "no name in the reply".into() }
        })?;
        let subfolder = reply.get("subfolder").and_then(Value::as_str).unwrap_or_default().trim_matches('/');
        Ok(if subfolder.is_empty() { name.to_string() } else { format!("{subfolder}/{name}") })
    }
}
