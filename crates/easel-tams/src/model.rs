//! Model metadata (`GET /v1/models/{modelId}`): the name, kind and previews behind a checkpoint
//! or LoRA id found in a graph. Read tolerantly; an unknown model type keeps its name. Nothing
//! here downloads weights or previews.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{number, Client, TamsError};

/// A model as the service describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Model {
    /// Model id (uint64, kept as a string).
    #[serde(deserialize_with = "number::id")]
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Base model, e.g. `SD 1.5` or `SDXL 1.0`.
    pub base_model: Option<String>,
    /// Kind of model.
    pub model_type: ModelType,
    /// Preview image URLs.
    pub showcase_image_urls: Vec<String>,
    /// The project the model belongs to.
    pub project_name: Option<String>,
    /// Trigger words (only some sources send them; a list is joined with ", ").
    #[serde(deserialize_with = "words")]
    pub trigger_words: Option<String>,
}

/// The kind of a model. `Other` keeps a value this client does not know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ModelType {
    /// Unset.
    #[default]
    Default,
    /// A full checkpoint.
    Checkpoint,
    /// An embedding.
    TextualInversion,
    /// A hypernetwork.
    Hypernetwork,
    /// An aesthetic gradient.
    AestheticGradient,
    /// A LoRA.
    Lora,
    /// A LoCon.
    Locon,
    /// A ControlNet.
    Controlnet,
    /// Poses.
    Poses,
    /// Wildcards.
    Wildcards,
    /// The service's own `OTHER`.
    OtherType,
    /// A LyCORIS.
    Lycoris,
    /// A value this client does not know, as sent.
    Other(String),
}

const NAMES: &[(&str, ModelType)] = &[
    ("DEFAULT", ModelType::Default),
    ("CHECKPOINT", ModelType::Checkpoint),
    ("TEXTUAL_INVERSION", ModelType::TextualInversion),
    ("HYPERNETWORK", ModelType::Hypernetwork),
    ("AESTHETIC_GRADIENT", ModelType::AestheticGradient),
    ("LORA", ModelType::Lora),
    ("LOCON", ModelType::Locon),
    ("CONTROLNET", ModelType::Controlnet),
    ("POSES", ModelType::Poses),
    ("WILDCARDS", ModelType::Wildcards),
    ("OTHER", ModelType::OtherType),
    ("LYCORIS", ModelType::Lycoris),
];

impl From<String> for ModelType {
    fn from(name: String) -> ModelType {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, t)| t.clone()).unwrap_or(ModelType::Other(name))
    }
}

impl From<ModelType> for String {
    fn from(kind: ModelType) -> String {
        kind.to_string()
    }
}

impl fmt::Display for ModelType {
    /// The wire name, e.g. `LORA`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelType::Other(name) => f.write_str(name),
            known => f.write_str(NAMES.iter().find(|(_, t)| t == known).map(|(n, _)| *n).unwrap_or("DEFAULT")),
        }
    }
}

#[derive(Deserialize)]
struct ModelEnvelope {
    #[serde(default)]
    model: Model,
}

impl Client {
    /// `GET /v1/models/{modelId}`.
    pub async fn get_model(&self, model_id: &str) -> Result<Model, TamsError> {
        let envelope: ModelEnvelope =
            self.call_empty(reqwest::Method::GET, self.endpoint(&["v1", "models", model_id])).await?;
        Ok(envelope.model)
    }
}

fn words<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Array(items)) => {
            let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!words.is_empty()).then(|| words.join(", "))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_models_and_keeps_unknown_types() {
        let text = r#"{"id":600423083519508503,"name":"m","modelType":"LORA","showcaseImageUrls":["u"],"triggerWords":["a","b"]}"#;
        let model: Model = serde_json::from_str(text).unwrap();
        assert_eq!(model.id.as_deref(), Some("600423083519508503"));
        assert_eq!((model.model_type, model.trigger_words.as_deref()), (ModelType::Lora, Some("a, b")));
        let odd: Model = serde_json::from_str(r#"{"modelType":"DORA","triggerWords":"x"}"#).unwrap();
        assert_eq!(odd.model_type, ModelType::Other("DORA".into()));
        assert_eq!(serde_json::to_value(&odd.model_type).unwrap(), "DORA");
        assert_eq!(ModelType::from("OTHER".to_string()).to_string(), "OTHER");
        assert_eq!(serde_json::from_str::<Model>("{}").unwrap(), Model::default());
    }
}
