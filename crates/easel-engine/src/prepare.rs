//! What happens to a graph before it is sent: local image files named by LoadImage inputs are
//! uploaded through `/v1/resource/image` and replaced by their resource ids, and the credits the
//! service expects to charge are asked for with params/check. Neither changes anything on disk.

use std::path::Path;

use easel_workflow::{Input, Workflow};
use serde_json::Value;

use crate::{Engine, EngineError};

/// Node classes whose `image` input names an uploaded resource.
const IMAGE_LOADERS: &[&str] = &["LoadImage", "LoadImageMask", "TensorArt_LoadImage"];

impl Engine {
    /// Uploads every local file a LoadImage-like node points at (an absolute path or a
    /// `file://` URL) and puts the returned resource id in its place. Returns how many were
    /// uploaded. Values that are not existing local files (resource ids) are left alone.
    pub async fn upload_local_images(&self, workflow: &mut Workflow) -> Result<usize, EngineError> {
        let mut uploads = Vec::new();
        for (id, node) in &workflow.nodes {
            if !IMAGE_LOADERS.contains(&node.class_type.as_str()) {
                continue;
            }
            if let Some(Input::Value(Value::String(value))) = node.inputs.get("image") {
                let path = Path::new(value.strip_prefix("file://").unwrap_or(value));
                if path.is_absolute() && path.is_file() {
                    uploads.push((id.clone(), path.to_path_buf()));
                }
            }
        }
        for (node_id, path) in &uploads {
            let bytes = tokio::fs::read(path).await.map_err(|e| EngineError::file(path, e))?;
            let content_type = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("png") => "image/png",
                Some("jpg" | "jpeg") => "image/jpeg",
                Some("webp") => "image/webp",
                _ => "application/octet-stream",
            };
            let resource = self.inner.client.upload_image(bytes, Some(content_type)).await?;
            workflow.set_value(node_id, "image", Value::String(resource.to_string()))?;
        }
        Ok(uploads.len())
    }

    /// The credits the service expects one run of `workflow` to cost (params/check).
    pub async fn estimate_credits(&self, workflow: &Workflow) -> Result<f64, EngineError> {
        let check = self.inner.client.check_workflow(&workflow.to_tams_params()).await?;
        Ok(check.credits.unwrap_or(0.0))
    }
}
