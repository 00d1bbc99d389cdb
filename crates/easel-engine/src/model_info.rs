//! What the form shows for a model-id input: the model's name, kind and base from
//! `GET /v1/models/{id}`, and its first showcase picture downloaded once into
//! `<library>/.models/` (the webview then loads it from disk through the app, so no remote
//! origin has to be allowed by the page's content policy). Unknown models are an error the form
//! shows as "unknown model", never a failed run.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::{Engine, EngineError};

/// A model as a person recognises it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelInfo {
    /// The model id (uint64 as a string).
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// `CHECKPOINT`, `LORA`...
    pub model_type: String,
    /// `SD 1.5`, `SDXL 1.0`...
    pub base_model: Option<String>,
    /// The service lists a showcase picture for it.
    pub has_preview: bool,
}

/// Models already described, and preview downloads already done, for the engine's life.
#[derive(Debug, Default)]
pub(crate) struct ModelCatalogue {
    described: Mutex<HashMap<String, (ModelInfo, Option<String>)>>,
}

impl ModelCatalogue {
    fn get(&self, id: &str) -> Option<(ModelInfo, Option<String>)> {
        // Entries are inserted whole, so a poisoned map is still consistent.
        self.described.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned()
    }

    fn put(&self, info: ModelInfo, preview: Option<String>) {
        self.described.lock().unwrap_or_else(|p| p.into_inner()).insert(info.id.clone(), (info, preview));
    }
}

/// Model ids are uint64 numbers; anything else never reaches the service (or a file name).
fn check_id(id: &str) -> Result<(), EngineError> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EngineError::BadModelId(id.to_string()));
    }
    Ok(())
}

impl Engine {
    /// Name, kind and base model of a model id (asked once, then cached).
    pub async fn model_info(&self, id: &str) -> Result<ModelInfo, EngineError> {
        check_id(id)?;
        if let Some((info, _)) = self.inner.models.get(id) {
            return Ok(info);
        }
        let model = self.inner.client.get_model(id).await?;
        let preview = model.showcase_image_urls.first().cloned();
        let info = ModelInfo {
            id: id.to_string(),
            name: model.name.filter(|n| !n.is_empty()),
            model_type: String::from(model.model_type),
            base_model: model.base_model.filter(|b| !b.is_empty()),
            has_preview: preview.is_some(),
        };
        self.inner.models.put(info.clone(), preview);
        Ok(info)
    }

    /// The model's showcase picture on disk, downloaded on first use; `None` when it has none.
    pub async fn model_preview(&self, id: &str) -> Result<Option<PathBuf>, EngineError> {
        self.model_info(id).await?;
        let Some((_, Some(url))) = self.inner.models.get(id) else { return Ok(None) };
        let dir = self.inner.library.join(".models");
        let path = dir.join(format!("{id}.img"));
        if path.exists() {
            return Ok(Some(path));
        }
        tokio::fs::create_dir_all(&dir).await.map_err(|e| EngineError::file(&dir, e))?;
        let part = dir.join(format!("{id}.{}.part", uuid::Uuid::new_v4().simple()));
        let mut file = tokio::fs::File::create(&part).await.map_err(|e| EngineError::file(&part, e))?;
        let fetched = self.inner.client.download(&url, &mut file).await;
        drop(file);
        if let Err(e) = fetched {
            // The partial file is ours and worthless; a leftover would only waste space.
            let _ = tokio::fs::remove_file(&part).await;
            return Err(e.into());
        }
        tokio::fs::rename(&part, &path).await.map_err(|e| EngineError::file(&path, e))?;
        Ok(Some(path))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_numbers_are_model_ids() {
        assert!(super::check_id("664602165660323756").is_ok());
        assert!(super::check_id("../../etc/passwd").is_err());
        assert!(super::check_id("").is_err());
        assert!(super::check_id("model.safetensors").is_err());
    }
}
