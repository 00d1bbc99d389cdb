//! The one pipeline: local pictures are uploaded only when allowed and only once (by content),
//! a retry or a resume never uploads again, bad paths are located errors before anything is
//! sent, a cost the front door does not approve stops everything, and model info is looked up
//! once per id however many runs (and processes) ask.

use std::path::{Path, PathBuf};

use easel_engine::{Engine, EngineError, Hooks, LocalFiles, RunLimits, RunRequest, WildcardMode, Work};
use easel_workflow::{png_text_chunks, Schemas, Workflow};

use crate::{collecting_sink, emulator_with, engine, reference, shared, start};

/// The corpus img2img workflow with its LoadImage (node 10) pointing at `image`.
fn img2img(image: &Path) -> Workflow {
    let bytes = std::fs::read(shared().join("corpus/workflows/api/img2img_sd15_loadimage.json")).unwrap();
    let mut workflow = Schemas::bundled().import_bytes(&bytes).unwrap().workflow;
    workflow.set_value("10", "image", serde_json::json!(image.display().to_string())).unwrap();
    // The checkpoint must be a model id on TAMS; the corpus file names a local file.
    workflow.set_value("14", "ckpt_name", serde_json::json!("664602165660323756")).unwrap();
    workflow
}

fn request(workflow: Workflow, local_files: LocalFiles) -> RunRequest {
    RunRequest {
        name: "img2img".into(),
        count: 1,
        work: Work::Graph { workflow, seeds: Vec::new(), editor: None, wildcards: WildcardMode::Seeded, sweep: None },
        local_files,
        models: Vec::new(),
    }
}

fn picture(dir: &Path) -> PathBuf {
    let path = dir.join("input.png");
    std::fs::copy(shared().join("corpus/png/comfy_img2img.png"), &path).unwrap();
    path
}

fn uploads(emulator: &easel_emulator::Emulator) -> usize {
    emulator.requests().iter().filter(|r| r.method == "POST" && r.path == "/v1/resource/image").count()
}

#[tokio::test]
async fn a_picked_picture_is_uploaded_once_and_never_again_on_retry() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, _events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 2);
    let dir = tempfile::tempdir().unwrap();
    let input = picture(dir.path());
    let announced = std::sync::Mutex::new(Vec::new());
    let uploading = |p: &Path| announced.lock().unwrap().push(p.to_path_buf());
    let hooks = Hooks { confirm: &|_| true, over_cap: &|_| true, uploading: &uploading, events: None };

    let started =
        engine.start(request(img2img(&input), LocalFiles::Picked(vec![input.clone()])), &hooks).await.unwrap();
    assert_eq!(started.uploads.len(), 1);
    assert!(!started.uploads[0].reused);
    let resource = started.uploads[0].resource.clone();
    let outcome = started.runs.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(*announced.lock().unwrap(), std::slice::from_ref(&input));
    assert_eq!(uploads(&emulator), 1);

    // The PNG says which local file became which resource; the prompt holds the resource.
    let text = png_text_chunks(&std::fs::read(&outcome.images[0].path).unwrap()).unwrap();
    let easel: serde_json::Value = serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").unwrap().1).unwrap();
    assert_eq!(easel["uploads"][0]["file"], input.display().to_string());
    assert_eq!(easel["uploads"][0]["resource"], resource);
    let prompt = &text.iter().find(|(k, _)| k == "prompt").unwrap().1;
    assert!(prompt.contains(&resource) && !prompt.contains("input.png"), "{prompt}");

    // The same bytes again: found by content, not uploaded.
    let again = engine.start(request(img2img(&input), LocalFiles::Picked(vec![input.clone()])), &hooks).await.unwrap();
    assert!(again.uploads[0].reused);
    assert_eq!(again.uploads[0].resource, resource);
    for run in again.runs {
        run.task.await.unwrap();
    }
    // A retry sends the stored document: the resource, no upload.
    let retried = engine.retry(&outcome.run_id, &hooks).await.unwrap().task.await.unwrap();
    assert!(retried.error.is_none(), "{:?}", retried.error);
    assert_eq!(uploads(&emulator), 1, "one upload for three runs of the same picture");
    assert_eq!(announced.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_same_picture_prepared_twice_at_once_is_uploaded_once() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, _events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 2);
    let dir = tempfile::tempdir().unwrap();
    let input = picture(dir.path());
    let hooks = Hooks::approve_all();
    let picked = || request(img2img(&input), LocalFiles::Picked(vec![input.clone()]));
    // Both look for the digest before either has uploaded (the budget spaces their requests).
    let (a, b) = tokio::join!(engine.start(picked(), &hooks), engine.start(picked(), &hooks));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(uploads(&emulator), 1, "{:?}", emulator.requests());
    assert_eq!(a.uploads[0].resource, b.uploads[0].resource);
    assert_eq!([a.uploads[0].reused, b.uploads[0].reused].iter().filter(|r| **r).count(), 1);
    for run in a.runs.into_iter().chain(b.runs) {
        assert!(run.task.await.unwrap().error.is_none());
    }
}

#[tokio::test]
async fn paths_that_may_not_be_uploaded_are_located_errors_before_anything_is_sent() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let dir = tempfile::tempdir().unwrap();
    let input = picture(dir.path());
    let text_file = dir.path().join("notes.png");
    std::fs::write(&text_file, "EASEL_API_KEY=not-a-picture").unwrap();
    let cases: Vec<(Workflow, LocalFiles, &str)> = vec![
        (img2img(&input), LocalFiles::None, "is a local file, not an uploaded picture"),
        (img2img(&input), LocalFiles::Picked(Vec::new()), "was not picked for this run"),
        (img2img(&dir.path().join("missing.png")), LocalFiles::Named, "does not exist"),
        (img2img(&text_file), LocalFiles::Named, "not a PNG, JPEG or WebP"),
        (img2img(Path::new("/proc/self/environ")), LocalFiles::Named, "not a PNG, JPEG or WebP"),
    ];
    for (workflow, local, expected) in cases {
        let err = engine.start(request(workflow, local), &Hooks::approve_all()).await.unwrap_err();
        assert_eq!(err.code(), easel_error::ErrorCode::InvalidInput, "{err}");
        assert_eq!(err.location(), Some(("10", Some("image"))), "{err}");
        assert!(err.to_string().contains(expected), "{err} should say {expected}");
    }
    assert!(emulator.requests().is_empty(), "nothing was sent: {:?}", emulator.requests());
    assert!(events.lock().unwrap().is_empty());
    assert!(engine.resume().unwrap().is_empty(), "nothing was recorded");
}

#[tokio::test]
async fn a_cost_not_approved_records_and_sends_nothing() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let seen = std::sync::Mutex::new(None);
    let confirm = |e: &easel_engine::Estimate| {
        *seen.lock().unwrap() = Some(*e);
        false
    };
    let hooks = Hooks { confirm: &confirm, over_cap: &|_| true, uploading: &|_| {}, events: None };
    let err = engine.start(reference(3), &hooks).await.unwrap_err();
    let estimate = seen.lock().unwrap().expect("asked");
    assert_eq!(estimate.runs, 3);
    assert!(estimate.each > 0.0 && (estimate.total - estimate.each * 3.0).abs() < 1e-9);
    assert!(matches!(err, EngineError::NotApproved { total, .. } if total == estimate.total));
    assert_eq!(err.code(), easel_error::ErrorCode::NeedsConfirmation);
    assert!(events.lock().unwrap().is_empty());
    let created = emulator.requests().iter().filter(|r| r.path == "/v1/jobs/workflow").count();
    assert_eq!(created, 0, "no job was created");
    assert!(engine.resume().unwrap().is_empty());
}

#[tokio::test]
async fn thirty_runs_look_each_model_up_once_and_a_second_engine_not_at_all() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, _events) = collecting_sink();
    let library = tempfile::tempdir().unwrap();
    let limits = RunLimits {
        concurrency: 6,
        running_poll: std::time::Duration::from_millis(50),
        waiting_poll: std::time::Duration::from_millis(50),
        ..RunLimits::default()
    };
    let engine = Engine::open(library.path(), client.clone(), sink.clone(), limits).unwrap();
    for run in start(&engine, reference(30)).await {
        let outcome = run.task.await.unwrap();
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
    }
    let lookups =
        |e: &easel_emulator::Emulator| e.requests().iter().filter(|r| r.path.starts_with("/v1/models/")).count();
    assert!(lookups(&emulator) <= 3, "{} model lookups for 3 model ids", lookups(&emulator));
    drop(engine);

    // Another process on the same library reads the journal's cache.
    let again = Engine::open(library.path(), client, sink, limits).unwrap();
    let before = lookups(&emulator);
    let info = again.model_info("664602165660323756").await.unwrap();
    assert!(info.name.is_some());
    for run in start(&again, reference(2)).await {
        run.task.await.unwrap();
    }
    assert_eq!(lookups(&emulator), before, "the second engine made no lookups");
}

#[tokio::test]
async fn results_of_an_editor_file_reopen_with_the_edited_graph_and_values() {
    let (_emulator, client) = emulator_with("queue=0").await;
    let (sink, _events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let source = std::fs::read(shared().join("corpus/workflows/ui/cog_sd15_ui_file_in_api_folder.json")).unwrap();
    let imported = Schemas::bundled().import_bytes(&source).unwrap();
    let editor = imported.editor.clone().expect("an editor file");
    let mut workflow = imported.workflow;
    let (sampler, _) = workflow.nodes.iter().find(|(_, n)| n.class_type == "KSampler").unwrap();
    let sampler = sampler.clone();
    let (text_node, _) = workflow.nodes.iter().find(|(_, n)| n.class_type == "CLIPTextEncode").unwrap();
    let text_node = text_node.clone();
    workflow.set_value(&sampler, "seed", serde_json::json!(424242)).unwrap();
    workflow.set_value(&sampler, "steps", serde_json::json!(7)).unwrap();
    workflow.set_value(&text_node, "text", serde_json::json!("a lighthouse at dusk, edited")).unwrap();
    // Its checkpoint is a file name: mapped once, it is sent as the demo catalogue's checkpoint.
    engine.map_model("v1-5-pruned-emaonly.ckpt", "600423083519508503", Some("checkpoint")).await.unwrap();
    let request = RunRequest {
        name: "edited".into(),
        count: 1,
        work: Work::Graph {
            workflow: workflow.clone(),
            seeds: Vec::new(),
            editor: Some(editor),
            wildcards: WildcardMode::Seeded,
            sweep: None,
        },
        local_files: LocalFiles::None,
        models: Vec::new(),
    };
    let outcome = start(&engine, request).await.remove(0).task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let png = std::fs::read(&outcome.images[0].path).unwrap();
    let text = png_text_chunks(&png).unwrap();
    let embedded: serde_json::Value =
        serde_json::from_str(&text.iter().find(|(k, _)| k == "workflow").unwrap().1).unwrap();
    // The editor graph alone (as ComfyUI would read it) gives back the edited values, and the
    // model id that was sent in place of the mapped file.
    let (from_editor, _) = easel_workflow::editor_to_workflow(&embedded, Schemas::bundled()).unwrap();
    let (loader, _) = workflow.nodes.iter().find(|(_, n)| n.class_type == "CheckpointLoaderSimple").unwrap();
    let loader = loader.clone();
    workflow.set_value(&loader, "ckpt_name", serde_json::json!("600423083519508503")).unwrap();
    for (id, node) in &workflow.nodes {
        assert_eq!(from_editor.nodes[id].inputs, node.inputs, "node {id} reopens with its edited inputs");
    }
    // And Easel opening the PNG gets the same graph, with the editor graph to edit again.
    let reopened = Schemas::bundled().import_bytes(&png).unwrap();
    assert!(reopened.editor.is_some());
    assert_eq!(reopened.workflow.nodes[&sampler].number("seed"), Some(424242.0));
    assert_eq!(reopened.workflow.nodes[&text_node].inputs["text"].value().unwrap(), "a lighthouse at dusk, edited");
}

#[tokio::test]
async fn a_batch_s_events_go_only_to_the_sink_its_front_door_gave() {
    let (_emulator, client) = emulator_with("").await;
    let (global, global_events) = collecting_sink();
    let (engine, _library) = engine(client, global, 2);
    let (own, own_events) = collecting_sink();
    let hooks = Hooks { confirm: &|_| true, over_cap: &|_| true, uploading: &|_| {}, events: Some(own) };
    let started = engine.start(reference(2), &hooks).await.unwrap();
    let ids: Vec<String> = started.runs.iter().map(|r| r.run_id.clone()).collect();
    for handle in started.runs {
        assert!(handle.task.await.unwrap().error.is_none());
    }
    let own_events = own_events.lock().unwrap().clone();
    for id in &ids {
        let mine: Vec<_> = own_events.iter().filter(|e| &e.run_id == id).map(|e| &e.change).collect();
        assert!(matches!(mine.first(), Some(easel_engine::JobChange::Queued { .. })), "{mine:?}");
        assert!(matches!(mine.last(), Some(easel_engine::JobChange::Succeeded { .. })), "{mine:?}");
    }
    assert!(own_events.iter().all(|e| ids.contains(&e.run_id)));
    assert!(global_events.lock().unwrap().is_empty(), "nothing of the batch reached the engine's sink");
}
