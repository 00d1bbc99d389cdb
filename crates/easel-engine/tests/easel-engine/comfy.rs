//! Runs on a ComfyUI server (the emulator's ComfyUI flavour on 127.0.0.1): the reference graph
//! with ComfyUI model names saved as a 1024×1536 PNG whose `prompt` chunk is the graph sent, a
//! websocket dropped mid-run still saving the image once, a prompt in flight when the process
//! quit found again through `/history`, and one the server no longer knows reported lost.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec, Flavor};
use easel_engine::{Engine, JobChange, RunLimits, Store, DATABASE_FILE};
use easel_workflow::{png_text_chunks, Input, Workflow, REFERENCE_WORKFLOW};
use serde_json::Value;

use crate::{collecting_sink, graph, start};

async fn comfy_server(faults: &str) -> (Emulator, easel_comfy::Comfy) {
    let config = EmulatorConfig {
        flavor: Flavor::ComfyUi,
        step_delay: Duration::from_millis(10),
        faults: FaultSpec::parse(faults).unwrap(),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.unwrap();
    let comfy = easel_comfy::Comfy::new(easel_comfy::ComfyConfig::new(&emulator.base_url())).unwrap();
    (emulator, comfy)
}

fn comfy_engine(comfy: &easel_comfy::Comfy, library: &std::path::Path) -> (Engine, crate::Events) {
    let (sink, events) = collecting_sink();
    let limits = RunLimits { concurrency: 2, ..RunLimits::default() };
    (Engine::open(library, comfy.clone(), sink, limits).unwrap(), events)
}

/// The reference workflow with ComfyUI model file names instead of Tensor.Art ids.
fn reference_with_files() -> Workflow {
    let mut workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
    for node in workflow.nodes.values_mut() {
        for (name, file) in [("ckpt_name", "v1-5-pruned-emaonly.safetensors"), ("lora_name", "add_detail.safetensors")]
        {
            if node.inputs.contains_key(name) {
                node.inputs.insert(name.to_string(), Input::Value(Value::String(file.into())));
            }
        }
    }
    workflow
}

/// Records the reference run as a process that quit left it: queued, or submitted as `prompt_id`,
/// with no owner (so this engine's resume takes it).
fn leave_run(engine: &Engine, library: &std::path::Path, run_id: &str, request_id: &str, prompt_id: Option<&str>) {
    let journal = Store::open(&library.join(DATABASE_FILE)).unwrap();
    let params = reference_with_files().to_tams_params().to_string();
    let backend = engine.backend_label().to_string();
    let run = crate::stored_run(run_id, request_id, "reference", &backend, &params);

    journal.insert_runs(&[run], None).unwrap();
    let conn = rusqlite::Connection::open(library.join(DATABASE_FILE)).unwrap();
    if let Some(prompt_id) = prompt_id {
        journal.set_job_id(run_id, prompt_id).unwrap();
        conn.execute("UPDATE runs SET status = 'submitted' WHERE run_id = ?1", [run_id]).unwrap();
    }
    conn.execute("UPDATE runs SET owner = NULL WHERE run_id = ?1", [run_id]).unwrap();
}

fn chunk(png: &[u8], key: &str) -> Option<String> {
    png_text_chunks(png).unwrap().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[tokio::test]
async fn the_reference_graph_runs_on_comfyui_and_its_png_holds_the_graph_sent() {
    let (_server, comfy) = comfy_server("").await;
    let library = tempfile::tempdir().unwrap();
    let (engine, events) = comfy_engine(&comfy, library.path());
    assert!(!engine.capabilities().credits && engine.capabilities().previews);
    let workflow = reference_with_files();
    let started = engine.start(graph(workflow.clone(), 1), &easel_engine::Hooks::approve_all()).await.unwrap();
    assert_eq!(started.estimate.total, 0.0, "a ComfyUI server costs no credits");
    let outcome = started.runs.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1);
    let image = &outcome.images[0];
    assert_eq!((image.width, image.height), (1024, 1536));
    let png = std::fs::read(&image.path).unwrap();
    let prompt: Value = serde_json::from_str(&chunk(&png, "prompt").unwrap()).unwrap();
    assert_eq!(prompt, workflow.to_comfy_api(), "the prompt chunk is the graph sent");
    let easel: Value = serde_json::from_str(&chunk(&png, "easel").unwrap()).unwrap();
    assert_eq!(easel["backendKind"], "comfyui");
    assert!(easel["backend"].as_str().unwrap().starts_with("comfyui+http://127.0.0.1:"), "{}", easel["backend"]);
    assert!(image.id.is_some(), "indexed in the gallery");

    let events = events.lock().unwrap();
    let running = events
        .iter()
        .filter(|e| matches!(&e.change, JobChange::Node { status: easel_engine::NodeState::Running, .. }))
        .count();
    assert!(running >= 3, "nodes seen running live: {running}");
    assert!(events.iter().any(|e| matches!(e.change, JobChange::Succeeded { images: 1, .. })));
    let previews: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.change {
            JobChange::Preview { node_id, image } if image.starts_with("data:image/") => Some(node_id.as_str()),
            _ => None,
        })
        .collect();
    assert!(!previews.is_empty(), "previews of the sampling nodes arrive live");
    assert!(previews.iter().all(|n| workflow.nodes.contains_key(*n)), "each names a node of the graph: {previews:?}");
    let record = engine.run_record(&outcome.run_id).unwrap().unwrap();
    assert_eq!(record.status, "succeeded");
}

#[tokio::test]
async fn a_refused_graph_is_located_at_its_node_before_anything_is_saved() {
    let (_server, comfy) = comfy_server("").await;
    let library = tempfile::tempdir().unwrap();
    let (engine, _) = comfy_engine(&comfy, library.path());
    let mut workflow = reference_with_files();
    workflow.nodes.get_mut("4").unwrap().inputs.insert("ckpt_name".into(), Input::Value("missing.safetensors".into()));
    let outcome = start(&engine, graph(workflow, 1)).await.into_iter().next().unwrap().task.await.unwrap();
    let error = outcome.error.expect("refused");
    assert_eq!(
        error.location().map(|(n, i)| (n.to_string(), i.map(str::to_string))),
        Some(("4".into(), Some("ckpt_name".into()))),
        "{error}"
    );
    assert!(outcome.images.is_empty());
}

#[tokio::test]
async fn a_websocket_dropped_mid_run_still_saves_the_image_once() {
    let (server, comfy) = comfy_server("wsdrop=1").await;
    let library = tempfile::tempdir().unwrap();
    let (engine, _) = comfy_engine(&comfy, library.path());
    let outcome =
        start(&engine, graph(reference_with_files(), 1)).await.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1);
    let journal = rusqlite::Connection::open(library.path().join(DATABASE_FILE)).unwrap();
    let rows: i64 = journal.query_row("SELECT count(*) FROM images", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1, "saved once");
    let upgrades = server.requests().iter().filter(|r| r.path == "/ws").count();
    assert!(upgrades >= 2, "the socket was dropped and opened again: {upgrades} upgrade(s)");
    let pngs = crate::pngs_under(library.path());
    assert_eq!(pngs.len(), 1, "{pngs:?}");
}

#[tokio::test]
async fn a_prompt_in_flight_is_found_again_and_one_the_server_forgot_is_lost() {
    let (_server, comfy) = comfy_server("").await;
    let library = tempfile::tempdir().unwrap();
    let workflow = reference_with_files();
    // A process queued this prompt and quit before seeing it end.
    let queued = uuid::Uuid::new_v4().to_string();
    comfy.queue_prompt(&workflow.to_comfy_api(), None, &queued).await.unwrap();
    let forgotten = uuid::Uuid::new_v4().to_string();
    let (engine, _) = comfy_engine(&comfy, library.path());
    for (run_id, prompt_id) in [("in-flight", &queued), ("forgotten", &forgotten)] {
        leave_run(&engine, library.path(), run_id, run_id, Some(prompt_id));
    }
    let handles = engine.resume().unwrap();
    assert_eq!(handles.len(), 2);
    for handle in handles {
        let outcome = handle.task.await.unwrap();
        match outcome.run_id.as_str() {
            "in-flight" => {
                assert!(outcome.error.is_none(), "{:?}", outcome.error);
                assert_eq!(outcome.images.len(), 1, "its image saved");
            }
            _ => {
                let error = outcome.error.expect("lost, not done");
                assert_eq!(error.code(), easel_error::ErrorCode::NotFound, "{error}");
                assert!(outcome.images.is_empty());
            }
        }
    }
    assert_eq!(engine.run_record("forgotten").unwrap().unwrap().status, "failed");
    assert_eq!(engine.run_record("in-flight").unwrap().unwrap().status, "succeeded");
}

#[tokio::test]
async fn a_picked_picture_is_uploaded_to_the_server_and_named_in_load_image() {
    let (_server, comfy) = comfy_server("").await;
    let library = tempfile::tempdir().unwrap();
    let (engine, _) = comfy_engine(&comfy, library.path());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.png");
    std::fs::copy(crate::shared().join("corpus/png/comfy_img2img.png"), &input).unwrap();
    let bytes = std::fs::read(crate::shared().join("corpus/workflows/api/img2img_sd15_loadimage.json")).unwrap();
    let mut workflow = easel_workflow::Schemas::bundled().import_bytes(&bytes).unwrap().workflow;
    workflow.set_value("10", "image", serde_json::json!(input.display().to_string())).unwrap();
    workflow.set_value("14", "ckpt_name", serde_json::json!("v1-5-pruned-emaonly.safetensors")).unwrap();
    let mut request = graph(workflow, 1);
    request.local_files = easel_engine::LocalFiles::Picked(vec![input.clone()]);
    let outcome = start(&engine, request).await.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let png = std::fs::read(&outcome.images[0].path).unwrap();
    let prompt: Value = serde_json::from_str(&chunk(&png, "prompt").unwrap()).unwrap();
    let sent = prompt["10"]["inputs"]["image"].as_str().unwrap();
    assert!(sent.starts_with("easel-") && sent.ends_with(".png"), "the server's name for the upload: {sent}");
    assert!(!sent.contains(&*dir.path().to_string_lossy()), "no local path reaches the server");
}

#[tokio::test]
async fn cancel_interrupts_the_running_prompt_and_takes_a_waiting_one_off_the_queue() {
    let config =
        EmulatorConfig { flavor: Flavor::ComfyUi, step_delay: Duration::from_millis(150), ..EmulatorConfig::default() };
    let server = Emulator::start(config).await.unwrap();
    let comfy = easel_comfy::Comfy::new(easel_comfy::ComfyConfig::new(&server.base_url())).unwrap();
    let library = tempfile::tempdir().unwrap();
    let (engine, events) = comfy_engine(&comfy, library.path());
    let handles = start(&engine, graph(reference_with_files(), 2)).await;
    // Both are on the server (it runs one at a time): the first running, the second waiting.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let submitted =
            events.lock().unwrap().iter().filter(|e| matches!(e.change, JobChange::Submitted { .. })).count();
        let running = events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e.change, JobChange::Node { status: easel_engine::NodeState::Running, .. }));
        if submitted == 2 && running {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "both prompts never reached the server");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for handle in &handles {
        assert!(engine.cancel(&handle.run_id));
    }
    for handle in handles {
        let outcome = handle.task.await.unwrap();
        assert!(outcome.canceled, "{:?}", outcome.error);
        assert!(outcome.images.is_empty());
    }
    let queue = comfy.queue().await.unwrap();
    assert!(queue.running.is_empty() && queue.pending.is_empty(), "nothing left on the server: {queue:?}");
}

#[tokio::test]
async fn a_queued_run_waits_for_a_server_that_is_not_up_yet() {
    // A free port, its server gone: Easel starts before the person's ComfyUI does.
    let probe = Emulator::start(EmulatorConfig { flavor: Flavor::ComfyUi, ..EmulatorConfig::default() }).await.unwrap();
    let url = probe.base_url();
    let port: u16 = url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap();
    probe.shutdown().await;
    let comfy = easel_comfy::Comfy::new(easel_comfy::ComfyConfig::new(&url)).unwrap();
    let library = tempfile::tempdir().unwrap();
    let (engine, _) = comfy_engine(&comfy, library.path());
    let request = uuid::Uuid::new_v4().simple().to_string();
    leave_run(&engine, library.path(), "queued-before-the-server", &request, None);
    let handles = engine.resume().unwrap();
    assert_eq!(handles.len(), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let config = EmulatorConfig {
        flavor: Flavor::ComfyUi,
        port,
        step_delay: Duration::from_millis(10),
        ..EmulatorConfig::default()
    };
    let _server = Emulator::start(config).await.unwrap();
    let outcome = handles.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1, "it ran once the server was up");
}
