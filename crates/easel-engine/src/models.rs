//! Names for the TAMS model ids a graph uses (`ckpt_name: "664602165660323756"` tells a person
//! nothing). Resolved once per run through `GET /v1/models/{id}`, cached for the engine's life,
//! and written into each saved PNG's `easel` chunk so a rebuilt gallery index still knows them.
//! A model the service cannot describe is simply left unnamed; it never fails a run.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use easel_tams::Client;
use serde_json::Value;

/// Model names already asked for; `None` records "the service had no name".
#[derive(Debug, Default)]
pub(crate) struct ModelNames {
    known: Mutex<HashMap<String, Option<String>>>,
}

impl ModelNames {
    /// Names of the model ids in `params` (a TAMS params map), asking the service for new ones.
    pub(crate) async fn resolve(&self, client: &Client, params: &Value) -> BTreeMap<String, String> {
        let ids = model_ids(params);
        let mut names = BTreeMap::new();
        for id in ids {
            let cached = self.lock().get(&id).cloned();
            let name = match cached {
                Some(name) => name,
                None => {
                    let name = client.get_model(&id).await.ok().and_then(|m| m.name).filter(|n| !n.is_empty());
                    self.lock().insert(id.clone(), name.clone());
                    name
                }
            };
            if let Some(name) = name {
                names.insert(id, name);
            }
        }
        names
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<String>>> {
        // Only whole entries are ever inserted, so a poisoned map is still consistent.
        self.known.lock().unwrap_or_else(|p| p.into_inner())
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

#[cfg(test)]
mod tests {
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
