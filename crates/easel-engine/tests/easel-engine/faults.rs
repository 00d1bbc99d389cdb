//! Runs under injected faults: each must still end with exactly its images, valid, on disk —
//! or with a clear, coded reason — and never create a second job on the service.

use easel_engine::{JobChange, RunOutcome};
use easel_workflow::Workflow;

use crate::{collecting_sink, emulator_with, engine, reference, start};

async fn run_under(faults: &str) -> (RunOutcome, Vec<JobChange>, tempfile::TempDir) {
    let (_emulator, client) = emulator_with(faults).await;
    let (sink, events) = collecting_sink();
    let (engine, library) = engine(client.clone(), sink, 4);
    let outcome = start(&engine, reference(1)).await.remove(0).task.await.unwrap();
    let request_id = engine.run_record(&outcome.run_id).unwrap().map(|r| r.request_id);
    // Creating again with the same requestId must give the same job: the retries made only one.
    if let (Some(request_id), Some(job_id)) = (&request_id, &outcome.job_id) {
        let params = Workflow::from_json_str(easel_workflow::REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params();
        let again = client.create_workflow_job(request_id, &params).await.unwrap();
        assert_eq!(again.id.as_ref(), Some(job_id), "a retry created a second job");
    }
    let changes = events.lock().unwrap().iter().map(|e| e.change.clone()).collect();
    (outcome, changes, library)
}

fn assert_one_valid_image(outcome: &RunOutcome) {
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1);
    let bytes = std::fs::read(&outcome.images[0].path).unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (1024, 1536));
}

#[tokio::test]
async fn server_errors_and_connection_resets_are_retried() {
    let (outcome, changes, _library) = run_under("5xx=0.3,reset=0.15,seed=11").await;
    assert_one_valid_image(&outcome);
    assert!(matches!(changes.last(), Some(JobChange::Succeeded { images: 1, .. })));
}

#[tokio::test]
async fn truncated_downloads_are_fetched_again() {
    let (outcome, _, _library) = run_under("truncate=0.6,seed=4").await;
    assert_one_valid_image(&outcome);
}

#[tokio::test]
async fn expired_urls_are_refreshed_from_the_job() {
    let (outcome, _, _library) = run_under("expire=2").await;
    assert_one_valid_image(&outcome);
}

#[tokio::test]
async fn failed_jobs_end_with_a_coded_reason() {
    let (outcome, changes, _library) = run_under("fail=1").await;
    let err = outcome.error.expect("the job failed");
    assert_eq!(err.code(), easel_error::ErrorCode::JobFailed);
    assert!(outcome.images.is_empty());
    let Some(JobChange::Failed { code, message }) = changes.last() else { panic!("{changes:?}") };
    assert_eq!(*code, easel_error::ErrorCode::JobFailed);
    assert!(message.contains("TransitoryError"), "{message}");
}

#[tokio::test]
async fn rate_limited_requests_are_retried_until_they_pass() {
    use std::sync::Arc;
    use std::time::Duration;

    use easel_emulator::{Emulator, EmulatorConfig};
    use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};

    // The service allows 2 requests/s while the client's budget allows 5: some answers are 429.
    let config = EmulatorConfig {
        api_key: "k".into(),
        step_delay: Duration::from_millis(10),
        rate_limit: 2,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.unwrap();
    let mut client_config = ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("k".into())));
    client_config.base_backoff = Duration::from_millis(100);
    client_config.max_attempts = 10;
    let client = Client::new(client_config, Arc::new(Budget::tams_default())).unwrap();
    let (sink, _) = collecting_sink();
    let (engine, _library) = engine(client, sink, 4);
    let outcome = start(&engine, reference(1)).await.remove(0).task.await.unwrap();
    assert_one_valid_image(&outcome);
}
