//! A whole run of the reference workflow: events in order, the image on disk, valid, with its
//! metadata, and the run recorded in SQLite.

use std::sync::Arc;

use easel_engine::{Engine, JobChange, NodeState, RunLimits};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive};
use easel_workflow::{png_text_chunks, Workflow, REFERENCE_WORKFLOW};

use crate::{collecting_sink, reference, start};

/// The emulator at its default pace (40 ms a step), so a 300 ms poller sees samplers running.
async fn emulator() -> (easel_emulator::Emulator, Client) {
    let emulator = easel_emulator::Emulator::start(easel_emulator::EmulatorConfig {
        api_key: "k".into(),
        ..easel_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = Client::new(
        ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("k".into()))),
        Arc::new(Budget::tams_default()),
    )
    .unwrap();
    (emulator, client)
}

#[tokio::test]
async fn reference_workflow_runs_to_a_valid_image_on_disk() {
    let (_emulator, client) = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let (sink, events) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, RunLimits::default()).unwrap();
    let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
    let handle = start(&engine, reference(1)).await.remove(0);
    let run_id = handle.run_id.clone();
    let outcome = handle.task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);

    let events = events.lock().unwrap().clone();
    assert!(events.iter().all(|e| e.run_id == run_id));
    let kinds: Vec<&JobChange> = events.iter().map(|e| &e.change).collect();
    assert!(matches!(kinds.first(), Some(JobChange::Queued { nodes }) if nodes.len() == 11));
    assert!(matches!(kinds.get(1), Some(JobChange::Submitted { .. })));
    assert!(matches!(kinds.last(), Some(JobChange::Succeeded { images: 1, .. })), "{:?}", kinds.last());
    // Every node is reported done exactly once, and some node was seen running on the way.
    for id in workflow.nodes.keys() {
        let done = kinds
            .iter()
            .filter(|c| matches!(c, JobChange::Node { node_id, status: NodeState::Done, .. } if node_id == id))
            .count();
        assert_eq!(done, 1, "node {id} done events");
    }
    assert!(kinds.iter().any(|c| matches!(c, JobChange::Node { status: NodeState::Running, .. })));
    // Overall progress never goes backwards.
    let overall: Vec<f64> = kinds
        .iter()
        .filter_map(|c| if let JobChange::Node { overall, .. } = c { Some(*overall) } else { None })
        .collect();
    assert!(overall.windows(2).all(|w| w[1] >= w[0]), "{overall:?}");

    assert_eq!(outcome.images.len(), 1);
    let saved = &outcome.images[0];
    assert_eq!((saved.width, saved.height, saved.node_id.as_str()), (1024, 1536, "9"));
    let bytes = std::fs::read(&saved.path).unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1024, 1536));
    let text = png_text_chunks(&bytes).unwrap();
    let prompt = text.iter().find(|(k, _)| k == "prompt").expect("prompt chunk");
    let prompt: serde_json::Value = serde_json::from_str(&prompt.1).unwrap();
    assert_eq!(prompt["3"]["class_type"], "KSampler", "ComfyUI API graph embedded");
    let easel = text.iter().find(|(k, _)| k == "easel").expect("easel chunk");
    let easel: serde_json::Value = serde_json::from_str(&easel.1).unwrap();
    assert_eq!(easel["jobId"].as_str(), outcome.job_id.as_deref());
    assert_eq!(easel["seeds"]["3"]["seed"], 12345);
    assert_eq!(easel["workflow"], "reference");
    assert_eq!(easel["credits"], 2.4, "the job's credits as reported when the image was saved");
    assert_eq!(easel["modelNames"]["664602165660323756"], "Demo anime checkpoint (reference example)");

    let record = engine.run_record(&run_id).unwrap().unwrap();
    assert_eq!(record.status, "succeeded");
    assert_eq!(record.job_id, outcome.job_id);
    assert_eq!(engine.gallery().image_path(saved.id.unwrap()).unwrap().to_string_lossy(), saved.path);
    // The gallery index knows it: found by words of the prompt, with the run's workflow name.
    let found = engine.gallery().search("masterpiece layla", 10).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(std::path::Path::new(&found[0].path), std::path::Path::new(&saved.path));
    // Nothing half-written is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(std::path::Path::new(&saved.path).parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty());
}

#[tokio::test]
async fn invalid_workflow_is_refused_before_anything_is_recorded() {
    let (_emulator, client) = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let (sink, events) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, RunLimits::default()).unwrap();
    let no_output =
        Workflow::from_json_str(r#"{"4":{"classType":"CheckpointLoaderSimple","inputs":{"ckpt_name":"1"}}}"#)
            .unwrap()
            .workflow;
    let err = engine.start(crate::graph(no_output, 1), &easel_engine::Hooks::approve_all()).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::InvalidWorkflow);
    assert!(err.to_string().contains("no output node"), "{err}");
    assert!(events.lock().unwrap().is_empty());
}

#[tokio::test]
async fn wrong_key_fails_with_auth_code() {
    let (emulator, _) = emulator().await;
    let client = Client::new(
        ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("wrong-secret-key".into()))),
        Arc::new(Budget::tams_default()),
    )
    .unwrap();
    let library = tempfile::tempdir().unwrap();
    let (sink, events) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, RunLimits::default()).unwrap();
    // The price check is the first request: it fails, so nothing is recorded or sent.
    let err = engine.start(reference(1), &easel_engine::Hooks::approve_all()).await.unwrap_err();
    assert_eq!(err.code(), easel_error::ErrorCode::Auth);
    assert!(!err.to_string().contains("wrong-secret-key"), "the key must never appear in messages");
    assert!(events.lock().unwrap().is_empty(), "no run was queued");
    assert!(engine.resume().unwrap().is_empty(), "no run was recorded");
}

#[tokio::test]
async fn an_unreadable_journal_row_is_marked_failed_and_the_others_resume() {
    let (_emulator, client) = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let backend = client.base_url().to_string();
    let reference_params = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params();
    // A node id that a dialect sniffer would take for a wrapper is still a node id here.
    let prompt_named = serde_json::json!({
        "prompt": {"classType": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
        "9": {"classType": "SaveImage", "inputs": {"images": ["prompt", 0], "filename_prefix": "x"}}
    });
    fn row<'a>(run_id: &'a str, backend: &'a str, workflow: &'a str) -> easel_engine::NewRun<'a> {
        crate::stored_run(run_id, run_id, "stored", backend, workflow)
    }
    let (good, prompt) = (reference_params.to_string(), prompt_named.to_string());
    let store = easel_engine::Store::open(&library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    store
        .insert_runs(
            &[row("bad", &backend, "{not json"), row("good", &backend, &good), row("prompt-id", &backend, &prompt)],
            None,
        )
        .unwrap();
    drop(store);
    // As a process that was killed would have left them: owned by a pid that no longer runs.
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
    let conn = rusqlite::Connection::open(library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    conn.execute("UPDATE runs SET owner = ?1", [format!("{}:4194304:1:gone", boot.trim())]).unwrap();
    drop(conn);
    let (sink, events) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, RunLimits::default()).unwrap();
    let handles = engine.resume().unwrap();
    let resumed: Vec<String> = handles.iter().map(|h| h.run_id.clone()).collect();
    assert_eq!(resumed, ["good", "prompt-id"]);
    for handle in handles {
        let outcome = handle.task.await.unwrap();
        assert!(outcome.error.is_none(), "{}: {:?}", outcome.run_id, outcome.error);
    }
    let bad = engine.run_record("bad").unwrap().unwrap();
    assert_eq!(bad.status, "failed");
    let failed =
        events.lock().unwrap().iter().any(|e| e.run_id == "bad" && matches!(e.change, JobChange::Failed { .. }));
    assert!(failed, "the window is told which run could not be resumed");
}

#[tokio::test]
async fn a_second_engine_on_the_library_leaves_live_runs_to_their_owner() {
    let (_emulator, client) = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let (sink, _events) = collecting_sink();
    let limits = RunLimits { concurrency: 1, ..RunLimits::default() };
    let first = Engine::open(library.path(), client.clone(), sink.clone(), limits).unwrap();
    let runs = start(&first, reference(2)).await;
    // Another engine (as another process would) resumes while the first one drives its runs.
    let second = Engine::open(library.path(), client, sink, limits).unwrap();
    assert!(second.resume().unwrap().is_empty(), "live runs are not taken over");
    for run in runs {
        let outcome = run.task.await.unwrap();
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        assert_eq!(first.run_record(&outcome.run_id).unwrap().unwrap().status, "succeeded");
    }
}

#[tokio::test]
async fn a_job_the_service_no_longer_knows_ends_the_run_without_creating_another() {
    let (emulator, client) = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let backend = client.backend_label();
    let params = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params().to_string();
    let store = easel_engine::Store::open(&library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    store
        .insert_runs(&[crate::stored_run("forgotten", "forgotten-request", "stored", &backend, &params)], None)
        .unwrap();
    // Submitted as job 424242, which this emulator never made (a purged job looks the same).
    store.set_job_id("forgotten", "424242").unwrap();
    drop(store);
    // Unowned, as an Easel from before run owners left it: any engine may take it.
    let conn = rusqlite::Connection::open(library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    conn.execute("UPDATE runs SET owner = NULL", []).unwrap();
    drop(conn);

    let (sink, _) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, RunLimits::default()).unwrap();
    let handles = engine.resume().unwrap();
    assert_eq!(handles.len(), 1);
    let outcome = handles.into_iter().next().unwrap().task.await.unwrap();
    let err = outcome.error.expect("the run fails");
    assert_eq!(err.code(), easel_error::ErrorCode::NotFound);
    let message = err.to_string();
    assert!(message.contains("no longer knows job 424242"), "{message}");
    assert!(message.contains("run the workflow again"), "{message}");
    let record = engine.run_record("forgotten").unwrap().unwrap();
    assert_eq!(record.status, "failed");
    let creates = emulator.requests().into_iter().filter(|r| r.method == "POST" && r.path == "/v1/jobs/workflow");
    assert_eq!(creates.count(), 0, "nothing was created again");
}
