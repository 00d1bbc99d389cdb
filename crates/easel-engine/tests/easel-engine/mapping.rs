//! Model files and ids: a file name where Tensor.Art takes a model id stops a run before anything
//! is sent, located at its node and input; a mapping stored once (checked against the service's
//! model type) makes every later workflow naming the file run with the id, which is what the
//! journal records; one-off mappings, misfits, unknown ids and forgetting a mapping.

use easel_engine::{Engine, EngineError, Hooks};
use easel_error::ErrorCode;
use easel_workflow::Workflow;

use crate::{collecting_sink, emulator_with, engine, graph};

const CHECKPOINT: &str = "600423083519508503";
const LORA: &str = "648628718430054626";

/// A txt2img graph whose checkpoint is a local file name.
fn with_file(ckpt: &str) -> Workflow {
    let text = format!(
        r#"{{
        "4": {{"class_type": "CheckpointLoaderSimple", "inputs": {{"ckpt_name": "{ckpt}"}}}},
        "5": {{"class_type": "EmptyLatentImage", "inputs": {{"width": 512, "height": 512, "batch_size": 1}}}},
        "6": {{"class_type": "CLIPTextEncode", "inputs": {{"text": "a red fox", "clip": ["4", 1]}}}},
        "7": {{"class_type": "CLIPTextEncode", "inputs": {{"text": "blurry", "clip": ["4", 1]}}}},
        "3": {{"class_type": "KSampler", "inputs": {{"seed": 7, "steps": 4, "cfg": 7, "sampler_name": "euler",
              "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
              "latent_image": ["5", 0]}}}},
        "8": {{"class_type": "VAEDecode", "inputs": {{"samples": ["3", 0], "vae": ["4", 2]}}}},
        "9": {{"class_type": "SaveImage", "inputs": {{"filename_prefix": "fox", "images": ["8", 0]}}}}
    }}"#
    );
    Workflow::from_json_str(&text).unwrap().workflow
}

fn runs_recorded(engine: &Engine) -> usize {
    let conn = rusqlite::Connection::open(engine.library().join(easel_engine::DATABASE_FILE)).unwrap();
    conn.query_row("SELECT count(*) FROM runs", [], |r| r.get::<_, i64>(0)).unwrap() as usize
}

#[tokio::test]
async fn a_file_name_stops_the_run_at_its_node_until_it_is_mapped() {
    let (emulator, client) = emulator_with("queue=0").await;
    let (sink, _) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);

    let refused = engine.start(graph(with_file("dreamshaper_8.safetensors"), 1), &Hooks::approve_all()).await;
    let error = refused.expect_err("a file name is refused");
    assert_eq!(error.code(), ErrorCode::UnmappedModel);
    assert_eq!(error.location(), Some(("4", Some("ckpt_name"))));
    assert!(error.to_string().contains("dreamshaper_8.safetensors"), "{error}");
    assert_eq!(runs_recorded(&engine), 0, "nothing recorded");
    let created = emulator.requests().iter().filter(|r| r.path.starts_with("/v1/jobs")).count();
    assert_eq!(created, 0, "nothing sent, not even a price check");

    let mapping = engine.map_model("dreamshaper_8.safetensors", CHECKPOINT, Some("checkpoint")).await.unwrap();
    assert_eq!(mapping.model_id, CHECKPOINT);
    assert_eq!(mapping.model_type, "CHECKPOINT");
    assert!(mapping.info.as_ref().and_then(|i| i.name.as_deref()).is_some_and(|n| !n.is_empty()));

    // A second workflow naming the same file runs with the id, and the journal records the id.
    let handles = engine.start(graph(with_file("dreamshaper_8.safetensors"), 1), &Hooks::approve_all()).await.unwrap();
    let run_id = handles.runs[0].run_id.clone();
    let outcome = handles.runs.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let record = engine.run_record(&run_id).unwrap().unwrap();
    let sent: serde_json::Value = serde_json::from_str(&record.workflow).unwrap();
    assert_eq!(sent["4"]["inputs"]["ckpt_name"], CHECKPOINT, "{sent}");
    assert!(!record.workflow.contains("dreamshaper_8"), "the file name is not what was sent");
}

#[tokio::test]
async fn mappings_are_checked_against_the_model_type_and_survive_a_reopen() {
    let (_emulator, client) = emulator_with("queue=0").await;
    let (sink, _) = collecting_sink();
    let (engine, library) = engine(client.clone(), sink.clone(), 1);

    let misfit = engine.map_model("base.safetensors", LORA, Some("checkpoint")).await.unwrap_err();
    assert!(matches!(misfit, EngineError::ModelMismatch { .. }), "{misfit:?}");
    assert_eq!(misfit.code(), ErrorCode::InvalidInput);
    assert!(misfit.to_string().contains("LORA"), "{misfit}");
    assert!(engine.model_mappings().unwrap().is_empty(), "a refused mapping is not kept");

    let unknown = engine.map_model("base.safetensors", "123456789012345678", None).await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound, "{unknown}");
    let not_an_id = engine.map_model("base.safetensors", "dreamshaper", None).await.unwrap_err();
    assert_eq!(not_an_id.code(), ErrorCode::InvalidInput);

    // A page URL is as good as the id; without a kind (the CLI) the type is checked when used.
    let url = format!("https://tensor.art/models/{LORA}/Some-LoRA");
    engine.map_model("base.safetensors", &url, None).await.unwrap();
    let problems = engine.model_problems(&with_file("base.safetensors")).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, "modelMismatch");
    let refused = engine.start(graph(with_file("base.safetensors"), 1), &Hooks::approve_all()).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnmappedModel);

    // Mapping again replaces the choice; the table lives in the library's journal.
    engine.map_model("base.safetensors", CHECKPOINT, Some("checkpoint")).await.unwrap();
    drop(engine);
    let reopened = Engine::open(library.path(), client, sink, easel_engine::RunLimits::default()).unwrap();
    let mappings = reopened.model_mappings().unwrap();
    assert_eq!(mappings.len(), 1);
    assert_eq!((mappings[0].file.as_str(), mappings[0].model_id.as_str()), ("base.safetensors", CHECKPOINT));
    assert!(reopened.model_problems(&with_file("base.safetensors")).unwrap().is_empty());
    let readiness = reopened.readiness(&with_file("other.safetensors")).unwrap();
    assert!(!readiness.ready);
    assert_eq!((readiness.errors, readiness.unmapped), (0, 1));

    assert!(reopened.unmap_model("base.safetensors").unwrap());
    assert!(!reopened.unmap_model("base.safetensors").unwrap());
    assert_eq!(reopened.model_problems(&with_file("base.safetensors")).unwrap()[0].code, "unmappedModel");
}

#[tokio::test]
async fn a_one_off_mapping_applies_to_its_request_only() {
    let (_emulator, client) = emulator_with("queue=0").await;
    let (sink, _) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let mut request = graph(with_file("local.safetensors"), 1);
    request.models = vec![("local.safetensors".into(), CHECKPOINT.into())];
    let started = engine.start(request, &Hooks::approve_all()).await.unwrap();
    let outcome = started.runs.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert!(engine.model_mappings().unwrap().is_empty(), "nothing stored");

    let mut misfit = graph(with_file("local.safetensors"), 1);
    misfit.models = vec![("local.safetensors".into(), LORA.into())];
    let refused = engine.start(misfit, &Hooks::approve_all()).await.unwrap_err();
    assert!(matches!(refused, EngineError::ModelMismatch { .. }), "{refused:?}");
}
