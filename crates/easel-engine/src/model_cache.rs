//! Everything Easel knows about TAMS model ids, in one cache: a model's name, kind, base model
//! and showcase picture from `GET /v1/models/{id}`. One lookup per id per backend: concurrent
//! runs asking for the same id wait for the one request in flight (single-flight), the answer
//! is kept in the journal's `models` table (shared by every process on the library) and in
//! memory, and refreshed after `MODEL_INFO_MAX_AGE` (`UNKNOWN_MODEL_MAX_AGE` for ids the service
//! does not know). The form, the PNG `easel` chunk (model names) and through it the gallery all
//! read this cache. The showcase picture is downloaded once into `<library>/.models/`, so the
//! webview loads it from disk and no remote origin has to be allowed by its content policy. An
//! unknown model is an error the form shows, never a failed run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use easel_tams::TamsError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Engine, EngineError, Inner};

/// How long a model's description is trusted before it is asked for again.
pub const MODEL_INFO_MAX_AGE: i64 = 7 * 24 * 3600;
/// How long "the service does not know this id" is trusted (it may be published later).
pub const UNKNOWN_MODEL_MAX_AGE: i64 = 3600;

/// A model as a person recognises it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
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

/// A description and its showcase URL, as cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Described {
    info: ModelInfo,
    preview: Option<String>,
}

/// `None`: the service does not know the id.
type Entry = (Option<Described>, i64);

/// The in-memory half of the cache and the requests in flight.
#[derive(Debug, Default)]
pub(crate) struct ModelCache {
    memory: Mutex<HashMap<String, Entry>>,
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

fn fresh(entry: &Entry, now: i64) -> bool {
    let age = if entry.0.is_some() { MODEL_INFO_MAX_AGE } else { UNKNOWN_MODEL_MAX_AGE };
    now - entry.1 < age
}

impl ModelCache {
    fn remembered(&self, id: &str, now: i64) -> Option<Entry> {
        // Entries are inserted whole, so a poisoned map is still consistent.
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        memory.get(id).filter(|e| fresh(e, now)).cloned()
    }

    fn remember(&self, id: &str, entry: Entry) {
        self.memory.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_string(), entry);
    }

    fn flight(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.flights.lock().unwrap_or_else(|p| p.into_inner()).entry(id.to_string()).or_default().clone()
    }

    /// The description of `id`: from memory, else the journal, else one request (shared by
    /// every caller asking at the same time). Network and server errors are not cached.
    async fn describe(&self, inner: &Inner, id: &str) -> Result<Option<Described>, EngineError> {
        let now = crate::store::unix_now();
        if let Some(entry) = self.remembered(id, now) {
            return Ok(entry.0);
        }
        let flight = self.flight(id);
        let _turn = flight.lock().await;
        if let Some(entry) = self.remembered(id, now) {
            return Ok(entry.0);
        }
        let backend = inner.backend.clone();
        if let Some((info, fetched_at)) = inner.with_store(|s| s.model(&backend, id))? {
            let described = info.as_deref().and_then(|text| serde_json::from_str::<Described>(text).ok());
            // A row that does not parse (an older layout) is as good as missing.
            if info.is_none() || described.is_some() {
                let entry = (described, fetched_at);
                if fresh(&entry, now) {
                    self.remember(id, entry.clone());
                    return Ok(entry.0);
                }
            }
        }
        let described = match inner.server.tams("a model lookup")?.get_model(id).await {
            Ok(model) => {
                let preview = model.showcase_image_urls.first().cloned();
                let info = ModelInfo {
                    id: id.to_string(),
                    name: model.name.filter(|n| !n.is_empty()),
                    model_type: String::from(model.model_type),
                    base_model: model.base_model.filter(|b| !b.is_empty()),
                    has_preview: preview.is_some(),
                };
                Some(Described { info, preview })
            }
            Err(TamsError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let text = match &described {
            Some(d) => Some(serde_json::to_string(d).map_err(|e| EngineError::Store(e.to_string()))?),
            None => None,
        };
        inner.with_store(|s| s.record_model(&backend, id, text.as_deref()))?;
        self.remember(id, (described.clone(), crate::store::unix_now()));
        Ok(described)
    }

    /// What the memory or the journal already holds of `id`, fresh or not (no network): a
    /// listing of mappings shows the last known name rather than waiting for the service.
    pub(crate) fn cached(&self, inner: &Inner, id: &str) -> Option<ModelInfo> {
        if let Some((described, _)) = self.memory.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
            return described.as_ref().map(|d| d.info.clone());
        }
        let (info, _) = inner.with_store(|s| s.model(&inner.backend, id)).ok().flatten()?;
        serde_json::from_str::<Described>(&info?).ok().map(|d| d.info)
    }

    /// Names of the model ids in `params` (a TAMS params map). Never fails: a model the cache
    /// cannot describe is left unnamed.
    pub(crate) async fn names(&self, inner: &Inner, params: &Value) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for id in model_ids(params) {
            if let Ok(Some(Described { info: ModelInfo { name: Some(name), .. }, .. })) =
                self.describe(inner, &id).await
            {
                names.insert(id, name);
            }
        }
        names
    }
}

/// Literal `*_name` inputs whose value is a long decimal number: TAMS model ids.
fn model_ids(params: &Value) -> Vec<String> {
    let mut ids: Vec<String> = params
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.values())
        .filter_map(|node| node.get("inputs").and_then(Value::as_object))
        .flat_map(|inputs| inputs.iter())
        .filter(|(name, _)| name.ends_with("_name"))
        .filter_map(|(_, value)| value.as_str())
        .filter(|v| v.len() >= 6 && v.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Model ids are uint64 numbers; anything else never reaches the service (or a file name).
fn check_id(id: &str) -> Result<(), EngineError> {
    if !easel_workflow::is_model_id(id) {
        return Err(EngineError::BadModelId(id.to_string()));
    }
    Ok(())
}

impl Engine {
    /// Name, kind and base model of a model id (from the cache; asked once per backend).
    pub async fn model_info(&self, id: &str) -> Result<ModelInfo, EngineError> {
        check_id(id)?;
        match self.inner.models.describe(&self.inner, id).await? {
            Some(described) => Ok(described.info),
            None => Err(TamsError::NotFound(format!("the service knows no model {id}")).into()),
        }
    }

    /// The model's showcase picture on disk, downloaded on first use; `None` when it has none.
    pub async fn model_preview(&self, id: &str) -> Result<Option<PathBuf>, EngineError> {
        check_id(id)?;
        let Some(Described { preview: Some(url), .. }) = self.inner.models.describe(&self.inner, id).await? else {
            return Ok(None);
        };
        let dir = self.inner.library.join(".models");
        let path = dir.join(format!("{id}.img"));
        if path.exists() {
            return Ok(Some(path));
        }
        tokio::fs::create_dir_all(&dir).await.map_err(|e| EngineError::file(&dir, e))?;
        let part = dir.join(format!("{id}.{}.part", uuid::Uuid::new_v4().simple()));
        let mut file = tokio::fs::File::create(&part).await.map_err(|e| EngineError::file(&part, e))?;
        let fetched = self.inner.server.tams("a model preview")?.download(&url, &mut file).await;
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

    #[test]
    fn finds_model_ids_only_in_name_inputs() {
        let params = serde_json::json!({
            "4": {"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "664602165660323756"}},
            "10": {"classType": "LoraLoader", "inputs": {"lora_name": "648628718430054626", "strength_model": 1}},
            "3": {"classType": "KSampler", "inputs": {"seed": "12345678", "sampler_name": "euler"}},
            "11": {"classType": "VAELoader", "inputs": {"vae_name": "vae.safetensors"}}
        });
        assert_eq!(super::model_ids(&params), ["648628718430054626", "664602165660323756"]);
    }
}
