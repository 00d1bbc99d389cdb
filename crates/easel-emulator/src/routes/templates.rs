//! The template endpoints: read a template (`GET /v1/workflows/{templateId}`), check values
//! (`POST /v1/workflows/template/check`) and run it (`POST /v1/jobs/workflow/template`).
//! Filling and its errors live in `template`; these handlers read bodies, check the image
//! fields against this instance's uploads, and reply.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use crate::body::JsonBody;
use crate::image_inputs::check_image_inputs;
use crate::job::JobKind;
use crate::routes::jobs::{estimate, reply_created};
use crate::routes::parse_body;
use crate::rpc::Status;
use crate::state::Shared;
use crate::template::{self, FieldAttr, Template};
use crate::validate::{check_workflow, Checked};
use crate::wire::JobReply;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TemplateRequest {
    #[serde(alias = "request_id")]
    request_id: Option<String>,
    #[serde(alias = "template_id")]
    template_id: Option<Value>,
    fields: Option<Fields>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    #[serde(alias = "field_attrs", default)]
    field_attrs: Vec<FieldAttr>,
}

/// `GET /v1/workflows/{templateId}`.
pub async fn get_template(Path(id): Path<String>) -> Result<Json<Value>, Status> {
    Ok(Json(find(&Value::String(id))?.to_json()))
}

/// `POST /v1/workflows/template/check`: `{valid, credits}`.
pub async fn check_template(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, Status> {
    let (_, checked) = filled(&shared, &body)?;
    Ok(Json(estimate(checked)))
}

/// `POST /v1/jobs/workflow/template`: `{job}`.
pub async fn create_template_job(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<JobReply>, Status> {
    let (request, checked) = filled(&shared, &body)?;
    Ok(reply_created(&shared, request.request_id.as_deref(), JobKind::Workflow, checked))
}

/// The template filled with the request's fields and checked; only its exposed image fields
/// are held to the upload rule (its other loaders hold the service's own pictures).
fn filled(shared: &Shared, body: &[u8]) -> Result<(TemplateRequest, Checked), Status> {
    let request: TemplateRequest = parse_body(body)?;
    let template = find(request.template_id.as_ref().unwrap_or(&Value::Null))?;
    let attrs = request.fields.as_ref().map(|f| f.field_attrs.as_slice()).unwrap_or_default();
    let mut checked = check_workflow(template.fill(attrs)?)?;
    checked.input_sizes = check_image_inputs(&checked.workflow, &template.image_fields(), |id| shared.uploaded(id))?;
    Ok((request, checked))
}

/// The template a uint64 id (string or number, as protojson accepts) names.
fn find(id: &Value) -> Result<Template, Status> {
    let parsed = match id {
        Value::String(s) => s.trim().parse::<u64>().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    };
    let parsed = parsed.ok_or_else(|| Status::invalid_argument("templateId", "templateId: must be a uint64\n"))?;
    template::find(parsed).ok_or_else(|| Status::not_found(format!("workflow template {parsed} not found")))
}
