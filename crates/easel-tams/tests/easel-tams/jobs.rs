//! Create and poll a job, and the error classes, over real HTTP.

use std::sync::Arc;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig};
use easel_tams::{Auth, Budget, Client, ClientConfig, JobStatus, Sensitive, TamsError};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

async fn setup(key: &str) -> (Emulator, Client) {
    let emulator =
        Emulator::start(EmulatorConfig { api_key: "right-key".into(), ..EmulatorConfig::default() }).await.unwrap();
    let client = Client::new(
        ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new(key.into()))),
        Arc::new(Budget::tams_default()),
    )
    .unwrap();
    (emulator, client)
}

fn params() -> serde_json::Value {
    Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params()
}

#[tokio::test]
async fn created_job_is_polled_to_success_with_its_image_url() {
    let (_emulator, client) = setup("right-key").await;
    let job = client.create_workflow_job("req-1", &params()).await.unwrap();
    assert_eq!(job.status, JobStatus::Created);
    let id = job.id.unwrap();
    let again = client.create_workflow_job("req-1", &params()).await.unwrap();
    assert_eq!(again.id.as_deref(), Some(id.as_str()), "a repeated requestId returns the same job");

    let mut last = None;
    for _ in 0..600 {
        let job = client.get_job(&id).await.unwrap();
        if job.status.is_terminal() {
            last = Some(job);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let job = last.expect("the job finished within 600 polls");
    assert_eq!(job.status, JobStatus::Success);
    let images = job.success_info.unwrap().images;
    assert_eq!(images.len(), 1);
    assert!(images[0].url.as_deref().unwrap().contains("Expires="));
    let meta = images[0].meta.clone().unwrap().image.unwrap();
    assert_eq!((meta.width, meta.height), (Some(1024), Some(1536)));
}

#[tokio::test]
async fn errors_are_classified() {
    let (emulator, client) = setup("right-key").await;
    let missing = client.get_job("123456789").await.unwrap_err();
    assert!(matches!(missing, TamsError::NotFound(_)), "{missing:?}");

    let dangling = serde_json::json!({"9": {"classType": "SaveImage", "inputs": {"images": ["18", 0]}}});
    let invalid = client.create_workflow_job("req-2", &dangling).await.unwrap_err();
    assert_eq!(invalid.code(), easel_error::ErrorCode::InvalidWorkflow, "{invalid:?}");
    assert!(invalid.to_string().contains("node id: 9"), "{invalid}");

    let (_other, wrong) = setup("wrong-key").await;
    let _ = emulator;
    let auth = wrong.create_workflow_job("req-3", &params()).await.unwrap_err();
    assert_eq!(auth.code(), easel_error::ErrorCode::Auth);
    assert!(!format!("{auth:?} {auth}").contains("wrong-key"));
}
