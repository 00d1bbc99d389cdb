//! Every endpoint of the reference's section 3, typed, against the emulator with Bearer auth.

use easel_tams::{JobStatus, ModelType, TamsError, UploadRequest};
use serde_json::json;

use crate::{bearer, client, emulator, finish, params, until_status};

const TEMPLATE: &str = "676018193025756628";

#[tokio::test]
async fn workflow_check_estimates_what_the_job_then_costs() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let check = client.check_workflow(&params()).await.unwrap();
    assert_eq!((check.valid, check.credits), (Some(true), Some(2.4)));
    let job = client.create_workflow_job("check-1", &params()).await.unwrap();
    let done = finish(&client, job.id.as_deref().unwrap()).await;
    assert_eq!((done.status, done.credits), (JobStatus::Success, check.credits));

    let dangling = json!({"9": {"classType": "SaveImage", "inputs": {"images": ["18", 0]}}});
    let err = client.check_workflow(&dangling).await.unwrap_err();
    assert!(matches!(&err, TamsError::InvalidWorkflow { details, .. } if !details.is_empty()), "{err:?}");
}

#[tokio::test]
async fn template_is_read_checked_and_run_with_an_uploaded_image() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let mut template = client.get_template(TEMPLATE).await.unwrap();
    assert_eq!(template.template_id.as_deref(), Some(TEMPLATE));
    let names: Vec<_> = template.fields.iter().map(|f| (f.node_id.as_str(), f.field_name.as_str())).collect();
    assert_eq!(names, [("25", "image"), ("27", "text")]);
    assert_eq!(template.fields[0].node_name.as_deref(), Some("LoadImage"));

    // The empty default image is refused, with the per-node detail.
    let err = client.check_template(TEMPLATE, &template.fields).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::InvalidWorkflow);
    assert!(err.to_string().contains("node id: 25"), "{err}");

    let image = client.upload_image(vec![0x89, b'P', b'N', b'G'], Some("image/png")).await.unwrap();
    assert!(template.set("25", "image", json!(image.as_str())));
    assert!(template.set("27", "text", json!("a lighthouse")));
    let check = client.check_template(TEMPLATE, &template.fields).await.unwrap();
    assert!(check.credits.unwrap() > 0.0, "{check:?}");
    let job = client.create_template_job("tpl-1", TEMPLATE, &template.fields).await.unwrap();
    let done = finish(&client, job.id.as_deref().unwrap()).await;
    assert_eq!((done.status, done.credits), (JobStatus::Success, check.credits));

    // Every field must be sent: one left out is code 2, a user error rather than a retryable 500.
    let err = client.create_template_job("tpl-2", TEMPLATE, &template.fields[1..]).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::InvalidWorkflow, "{err:?}");
    assert!(err.to_string().contains("can't find [nodeId:fieldName] 25:image"), "{err}");
    assert!(matches!(client.get_template("1").await, Err(TamsError::NotFound(_))));
}

#[tokio::test]
async fn stages_job_costs_its_estimate() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let stages = json!([
        {"type": "INPUT_INITIALIZE", "inputInitialize": {"seed": 7, "count": 1}},
        {"type": "DIFFUSION", "diffusion": {"width": 512, "height": 768, "prompts": [{"text": "a lighthouse"}],
         "sdModel": "600423083519508503", "sdVae": "Automatic", "sampler": "Euler a", "steps": 10, "cfgScale": 7}}
    ]);
    let estimate = client.stages_credits(&stages).await.unwrap();
    assert!(estimate > 0.0);
    let job = client.create_stages_job("stages-1", &stages).await.unwrap();
    let done = finish(&client, job.id.as_deref().unwrap()).await;
    assert_eq!((done.status, done.credits), (JobStatus::Success, Some(estimate)));
    assert_eq!(done.success_info.unwrap().images.len(), 1);
}

#[tokio::test]
async fn upload_sends_exactly_the_slot_headers() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let slot = client.request_upload(&UploadRequest { expire_sec: Some(600), term: Some(2) }).await.unwrap();
    assert!(slot.headers.contains_key("X-Oss-Callback"), "{slot:?}");
    // The slot signs `application/octet-stream`; the caller's type must not replace it.
    let id = client.put_upload(&slot, vec![1, 2, 3], Some("image/png")).await.unwrap();
    assert_eq!(Some(id.to_string()), slot.resource_id);

    // Without the slot's headers the storage refuses the caller's own type (as OSS does).
    let mut stripped = client.request_upload(&UploadRequest::default()).await.unwrap();
    stripped.headers.clear();
    let err = client.put_upload(&stripped, vec![1], Some("image/png")).await.unwrap_err();
    assert!(matches!(err, TamsError::Server { status: 403, .. }), "{err:?}");
}

#[tokio::test]
async fn models_are_typed_and_unknown_ids_not_found() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let ckpt = client.get_model("664602165660323756").await.unwrap();
    assert_eq!(ckpt.id.as_deref(), Some("664602165660323756"));
    assert_eq!(ckpt.model_type, ModelType::Checkpoint);
    assert!(ckpt.name.is_some() && ckpt.base_model.is_some());
    assert_eq!(client.get_model("648628718430054626").await.unwrap().model_type, ModelType::Lora);
    assert_eq!(client.get_model("1").await.unwrap_err().code(), easel_error::ErrorCode::NotFound);
}

#[tokio::test]
async fn cancel_ends_a_running_job_canceled() {
    let emu = emulator(false, |c| c.step_delay = std::time::Duration::from_millis(200)).await;
    let client = client(&emu, bearer(), 5, 5);
    let job = client.create_workflow_job("cancel-1", &params()).await.unwrap();
    let id = job.id.unwrap();
    client.cancel_job(&id).await.unwrap();
    let done = until_status(&client, &id, JobStatus::Canceled).await;
    assert_eq!(done.status, JobStatus::Canceled);
}

#[tokio::test]
async fn sts_credential_is_typed_though_the_emulator_has_none() {
    let emu = emulator(false, |_| {}).await;
    let client = client(&emu, bearer(), 5, 5);
    let err = client.request_upload_credential(&UploadRequest::default()).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::NotFound, "{err:?}");
}
