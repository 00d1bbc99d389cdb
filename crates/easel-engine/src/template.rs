//! Template runs: a TAMS workflow template ("AI tool") run by id with its field values, for
//! graphs the service keeps to itself. The service needs every field it exposes, so callers
//! start from `GET /v1/workflows/{id}` and overwrite values. The graph is unknown here, so a
//! template run learns its nodes from the job's own reports and embeds no `prompt` chunk.

use std::path::Path;

use easel_tams::FieldAttr;
use serde_json::{json, Value};

use crate::run::RunPlan;
use crate::{store, Engine, EngineError, RunHandle};

/// What to run from a template.
#[derive(Debug, Clone)]
pub struct TemplateRequest {
    /// The template id.
    pub template_id: String,
    /// Every field of the template, with the values to send.
    pub fields: Vec<FieldAttr>,
    /// A name for people.
    pub name: String,
    /// Runs in the batch (at least 1).
    pub count: u32,
}

/// The stored form of a template run (the `workflow` column of its run row).
pub(crate) fn stored(template_id: &str, fields: &[FieldAttr]) -> Value {
    json!({ "templateId": template_id, "fields": fields })
}

/// Reads the stored form back; `None` when `text` is a workflow graph instead.
pub(crate) fn from_stored(text: &str) -> Option<(String, Vec<FieldAttr>)> {
    let value: Value = serde_json::from_str(text).ok()?;
    let id = value.get("templateId")?.as_str()?.to_string();
    let fields = serde_json::from_value(value.get("fields")?.clone()).ok()?;
    Some((id, fields))
}

impl Engine {
    /// Fetches a template's fields (with their current values) from the service.
    pub async fn template_fields(&self, template_id: &str) -> Result<Vec<FieldAttr>, EngineError> {
        Ok(self.inner.client.get_template(template_id).await?.fields)
    }

    /// Uploads image fields whose value is a local file path and puts the resource id in place.
    pub async fn upload_local_fields(&self, fields: &mut [FieldAttr]) -> Result<usize, EngineError> {
        let mut uploaded = 0;
        for field in fields.iter_mut() {
            let Some(value) = field.field_value.as_str() else { continue };
            let path = Path::new(value.strip_prefix("file://").unwrap_or(value)).to_path_buf();
            if !(path.is_absolute() && path.is_file()) {
                continue;
            }
            let bytes = tokio::fs::read(&path).await.map_err(|e| EngineError::file(&path, e))?;
            let resource = self.inner.client.upload_image(bytes, None).await?;
            field.field_value = Value::String(resource.to_string());
            uploaded += 1;
        }
        Ok(uploaded)
    }

    /// Credits the service expects one run of the template to cost (template/check); also
    /// validates the values, so an error here means nothing should be sent.
    pub async fn estimate_template(&self, template_id: &str, fields: &[FieldAttr]) -> Result<f64, EngineError> {
        Ok(self.inner.client.check_template(template_id, fields).await?.credits.unwrap_or(0.0))
    }

    /// Records and queues `request.count` runs of a template.
    pub fn submit_template(&self, request: &TemplateRequest) -> Result<Vec<RunHandle>, EngineError> {
        let stored = stored(&request.template_id, &request.fields).to_string();
        let mut plans = Vec::new();
        for _ in 0..request.count.max(1) {
            let plan = RunPlan {
                run_id: uuid::Uuid::new_v4().to_string(),
                name: request.name.clone(),
                request_id: uuid::Uuid::new_v4().simple().to_string(),
                job_id: None,
                created_at: store::unix_now(),
                order: Vec::new(),
                params: Value::Null,
                template: Some((request.template_id.clone(), request.fields.clone())),
                prompt_chunk: String::new(),
                editor_chunk: None,
                seeds: Value::Object(Default::default()),
            };
            self.inner.with_store(|s| {
                s.insert_run(&store::NewRun {
                    run_id: &plan.run_id,
                    request_id: &plan.request_id,
                    name: &request.name,
                    backend: self.inner.client.base_url(),
                    workflow: &stored,
                    seeds: "{}",
                    editor: None,
                })
            })?;
            plans.push(plan);
        }
        Ok(plans.into_iter().map(|plan| self.spawn(plan)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_and_is_told_from_a_graph() {
        let fields = vec![FieldAttr {
            node_id: "27".into(),
            field_name: "text".into(),
            field_value: json!("1 girl"),
            ..FieldAttr::default()
        }];
        let text = stored("676018193025756628", &fields).to_string();
        assert_eq!(from_stored(&text), Some(("676018193025756628".to_string(), fields)));
        assert_eq!(from_stored(r#"{"3":{"classType":"KSampler","inputs":{}}}"#), None);
    }
}
