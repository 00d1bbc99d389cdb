//! Sweeps through the pipeline against the emulator: every cell recorded with its sweep and
//! priced, the grid composed by the last cell's task and announced on its events, composed
//! again at the next start when a process quit before making it, and never made from nothing.

use std::time::Duration;

use easel_engine::{Axis, JobChange, Store, Sweep, Work, DATABASE_FILE};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

use crate::{collecting_sink, emulator_with, engine, reference};

fn sweep_request(count: u32) -> easel_engine::RunRequest {
    let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
    let sweep = Sweep {
        axes: vec![
            Axis::parse(&workflow, "3.cfg", "6, 7").unwrap(),
            Axis::parse(&workflow, "3.steps", "20, 26").unwrap(),
        ],
    };
    let mut request = reference(count);
    if let Work::Graph { sweep: slot, .. } = &mut request.work {
        *slot = Some(sweep);
    }
    request
}

fn sweep_of(request: easel_engine::RunRequest) -> Sweep {
    match request.work {
        Work::Graph { sweep: Some(sweep), .. } => sweep,
        _ => unreachable!("sweep_request makes a sweep"),
    }
}

#[tokio::test]
async fn a_sweep_records_its_cells_and_its_last_cell_composes_the_grid() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, events) = collecting_sink();
    let (engine, library) = engine(client, sink, 4);
    let started = engine.start(sweep_request(1), &easel_engine::Hooks::approve_all()).await.unwrap();
    assert_eq!(started.estimate.runs, 4);
    let sweep_id = started.sweep_id.clone().expect("a sweep id");
    for run in started.runs {
        assert!(run.task.await.unwrap().error.is_none());
    }
    let record = engine.sweep(&sweep_id).unwrap().unwrap();
    assert_eq!(record.grid_state.as_deref(), Some("done"));
    let grid = record.grid_path.expect("the grid's path");
    let picture = std::fs::read(&grid).unwrap();
    let read_back = Sweep::of_grid_picture(&picture).unwrap().expect("the grid holds its sweep");
    assert_eq!(read_back, sweep_of(sweep_request(1)), "Run again on the grid runs this sweep");
    let grids: Vec<_> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match &e.change {
            JobChange::SweepGrid { sweep_id, image } => Some((sweep_id.clone(), image.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(grids.len(), 1, "announced once");
    assert_eq!(grids[0].0, sweep_id);
    assert!(
        grids[0].1.width > 2048 && grids[0].1.id.is_some(),
        "bigger than two cells, in the gallery: {:?}",
        grids[0].1
    );

    let journal = Store::open(&library.path().join(DATABASE_FILE)).unwrap();
    let cells = journal.sweep_runs(&sweep_id).unwrap();
    assert_eq!(cells.len(), 4);
    assert!(cells.iter().all(|c| c.status == "succeeded" && c.image.is_some()));
    let cell_picture = std::fs::read(cells[0].image.as_ref().unwrap()).unwrap();
    assert_eq!(Sweep::of_grid_picture(&cell_picture).unwrap(), None, "a cell runs again as itself");
    let filter = easel_engine::HistoryFilter { sweep: Some(sweep_id.clone()), ..Default::default() };
    let page = journal.history(&filter, None, 10).unwrap();
    assert_eq!(page.runs.len(), 4);
    assert!(page.runs.iter().all(|r| r.estimate.is_some_and(|e| e > 0.0)), "each cell priced");
}

#[tokio::test]
async fn a_grid_left_unmade_is_made_at_the_next_start_and_never_from_nothing() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, _) = collecting_sink();
    let (engine, library) = engine(client.clone(), sink, 4);
    let started = engine.start(sweep_request(1), &easel_engine::Hooks::approve_all()).await.unwrap();
    let sweep_id = started.sweep_id.clone().unwrap();
    for run in started.runs {
        run.task.await.unwrap();
    }
    drop(engine);
    // As a process that died while composing leaves it: claimed, no file.
    let grid =
        Store::open(&library.path().join(DATABASE_FILE)).unwrap().sweep(&sweep_id).unwrap().unwrap().grid_path.unwrap();
    std::fs::remove_file(&grid).unwrap();
    let journal = rusqlite::Connection::open(library.path().join(DATABASE_FILE)).unwrap();
    journal.execute("UPDATE sweeps SET grid_state = 'composing', grid_path = NULL", []).unwrap();

    let (sink, _) = collecting_sink();
    let limits = easel_engine::RunLimits::default();
    let again = easel_engine::Engine::open(library.path(), client, sink, limits).unwrap();
    again.keep_resuming().unwrap();
    let mut state = None;
    for _ in 0..200 {
        state = again.sweep(&sweep_id).unwrap().unwrap().grid_state;
        if state.as_deref() == Some("done") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state.as_deref(), Some("done"));
    assert!(std::path::Path::new(&grid).exists(), "made again at the same path");

    // Every cell failing leaves no grid to make.
    let (_failing, client) = emulator_with("fail=1").await;
    let (sink, events) = collecting_sink();
    let (engine, _library) = crate::engine(client, sink, 4);
    let started = engine.start(sweep_request(1), &easel_engine::Hooks::approve_all()).await.unwrap();
    let sweep_id = started.sweep_id.clone().unwrap();
    for run in started.runs {
        assert!(run.task.await.unwrap().error.is_some());
    }
    let record = engine.sweep(&sweep_id).unwrap().unwrap();
    assert_eq!((record.grid_state.as_deref(), record.grid_path), (Some("failed"), None));
    assert!(!events.lock().unwrap().iter().any(|e| matches!(e.change, JobChange::SweepGrid { .. })));
}

#[tokio::test]
async fn model_values_are_labelled_with_their_names_and_an_unknown_id_keeps_its_own() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, _) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow;
    let mut axis = Axis::parse(&workflow, "10.lora_name", "648628718430054626, 631627137633337321, 999").unwrap();
    engine.name_models(&mut axis).await;
    let labels: Vec<&str> = axis.values.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels[0], "Demo character LoRA (reference example)");
    assert_eq!(labels[1], "Demo style LoRA (reference example)");
    assert_eq!(labels[2], "999", "the service knows no model 999");
    assert_eq!(axis.values[0].value, serde_json::json!("648628718430054626"), "the id is still what is sent");
}
