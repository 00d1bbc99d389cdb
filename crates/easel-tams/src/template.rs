//! Workflow templates ("AI tools"): read one and its editable fields
//! (`GET /v1/workflows/{templateId}`), check values and estimate credits
//! (`POST /v1/workflows/template/check`), and run it (`POST /v1/jobs/workflow/template`). The
//! service wants every field the template exposes (else code 2), so callers start from
//! `get_template`'s fields and overwrite values. Interpreting `inputString` widgets is left to
//! the UI: it is kept as opaque text.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::workflow::{CreditCheck, JobEnvelope};
use crate::{number, Client, Job, TamsError};

/// A template and its editable fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Template {
    /// The template ("AI tool") id.
    #[serde(deserialize_with = "number::id")]
    pub template_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Editable fields, in the service's order (`fields.fieldAttrs` on the wire).
    #[serde(deserialize_with = "field_attrs")]
    pub fields: Vec<FieldAttr>,
}

/// One editable field: an input of one node of the template's graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldAttr {
    /// Node id in the template's graph.
    #[serde(deserialize_with = "string_or_number")]
    pub node_id: String,
    /// Input name on that node, e.g. `image` or `text`.
    pub field_name: String,
    /// Current (or default) value: any JSON; image fields take a resource id.
    pub field_value: Value,
    /// The node's class, e.g. `LoadImage`, when the service says.
    pub node_name: Option<String>,
    /// The widget description as JSON text (its shape is undocumented), when the service sends it.
    #[serde(deserialize_with = "json_text")]
    pub input_string: Option<String>,
}

impl Template {
    /// Sets the value of the field `node_id`/`field_name`; false when the template has no such field.
    pub fn set(&mut self, node_id: &str, field_name: &str, value: Value) -> bool {
        let field = self.fields.iter_mut().find(|f| f.node_id == node_id && f.field_name == field_name);
        field.map(|f| f.field_value = value).is_some()
    }
}

/// The three documented parts of a field, as sent: `nodeName` and `inputString` stay behind.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FieldValue<'a> {
    node_id: &'a str,
    field_name: &'a str,
    field_value: &'a Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fields<'a> {
    field_attrs: Vec<FieldValue<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    template_id: &'a str,
    fields: Fields<'a>,
}

impl<'a> TemplateRequest<'a> {
    fn new(request_id: Option<&'a str>, template_id: &'a str, fields: &'a [FieldAttr]) -> Self {
        let field_attrs = fields
            .iter()
            .map(|f| FieldValue { node_id: &f.node_id, field_name: &f.field_name, field_value: &f.field_value })
            .collect();
        TemplateRequest { request_id, template_id, fields: Fields { field_attrs } }
    }
}

impl Client {
    /// `GET /v1/workflows/{templateId}`.
    pub async fn get_template(&self, template_id: &str) -> Result<Template, TamsError> {
        self.call_empty(reqwest::Method::GET, self.endpoint(&["v1", "workflows", template_id])).await
    }

    /// `POST /v1/workflows/template/check`: validates every field's value, estimates credits.
    pub async fn check_template(&self, template_id: &str, fields: &[FieldAttr]) -> Result<CreditCheck, TamsError> {
        let url = self.endpoint(&["v1", "workflows", "template", "check"]);
        self.post(url, &TemplateRequest::new(None, template_id, fields)).await
    }

    /// `POST /v1/jobs/workflow/template`: runs the template with `fields` (all of them). Retries
    /// send the same `request_id`.
    pub async fn create_template_job(
        &self,
        request_id: &str,
        template_id: &str,
        fields: &[FieldAttr],
    ) -> Result<Job, TamsError> {
        let url = self.endpoint(&["v1", "jobs", "workflow", "template"]);
        let envelope: JobEnvelope =
            self.post(url, &TemplateRequest::new(Some(request_id), template_id, fields)).await?;
        Ok(envelope.into_job(self))
    }
}

/// `fields` arrives as `{"fieldAttrs": [...]}`; a bare list is accepted too.
fn field_attrs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FieldAttr>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Wrapped {
            #[serde(default, rename = "fieldAttrs", alias = "field_attrs")]
            field_attrs: Option<Vec<FieldAttr>>,
        },
        Bare(Vec<FieldAttr>),
    }
    Ok(match Option::<Wire>::deserialize(d)? {
        Some(Wire::Wrapped { field_attrs }) => field_attrs.unwrap_or_default(),
        Some(Wire::Bare(list)) => list,
        None => Vec::new(),
    })
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    number::id(d).map(Option::unwrap_or_default)
}

/// A string as it is; any other JSON (an array of widgets, say) as its JSON text.
fn json_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_template_and_tolerates_variants() {
        let text = r#"{"templateId":676018193025756628,"name":"t","fields":{"fieldAttrs":[
            {"nodeId":"25","fieldName":"image","fieldValue":"","nodeName":"LoadImage"},
            {"nodeId":27,"fieldName":"text","fieldValue":"1 girl","inputString":[{"name":"text"}]}]}}"#;
        let mut template: Template = serde_json::from_str(text).unwrap();
        assert_eq!(template.template_id.as_deref(), Some("676018193025756628"));
        assert_eq!(template.fields[0].node_name.as_deref(), Some("LoadImage"));
        assert_eq!(template.fields[1].node_id, "27");
        assert_eq!(template.fields[1].input_string.as_deref(), Some(r#"[{"name":"text"}]"#));
        assert!(template.set("25", "image", json!("res-1")) && !template.set("9", "image", json!("x")));
        let body = serde_json::to_value(TemplateRequest::new(Some("r"), "676", &template.fields)).unwrap();
        assert_eq!(
            body,
            json!({"requestId": "r", "templateId": "676", "fields": {"fieldAttrs": [
                {"nodeId": "25", "fieldName": "image", "fieldValue": "res-1"},
                {"nodeId": "27", "fieldName": "text", "fieldValue": "1 girl"}]}})
        );
        assert_eq!(serde_json::from_str::<Template>("{}").unwrap(), Template::default());
        let bare: Template = serde_json::from_str(r#"{"fields":[{"nodeId":"1"}]}"#).unwrap();
        assert_eq!(bare.fields.len(), 1);
    }
}
