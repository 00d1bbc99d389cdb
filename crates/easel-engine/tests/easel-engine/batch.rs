//! Batches, seed control, the queue's concurrency limit and cancel.

use std::collections::HashSet;
use std::time::Duration;

use easel_emulator::{EmulatorConfig, FaultSpec};

use easel_engine::{JobChange, NodeState, SeedControl, SeedMode, Work};
use easel_workflow::png_text_chunks;

use crate::{collecting_sink, emulator_from, emulator_with, engine, fast_emulator, reference, start, streaming_sink};

#[tokio::test]
async fn a_batch_increments_seeds_and_respects_the_concurrency_limit() {
    let (_emulator, client) = emulator_with("queue=0").await;
    let (sink, events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 1);
    let mut request = reference(3);
    let Work::Graph { seeds, .. } = &mut request.work else { unreachable!() };
    *seeds = vec![
        SeedControl { node_id: "3".into(), input: "seed".into(), mode: SeedMode::Increment },
        SeedControl { node_id: "17".into(), input: "seed".into(), mode: SeedMode::Fixed },
    ];
    let handles = start(&engine, request).await;
    let mut seeds = Vec::new();
    for handle in handles {
        let outcome = handle.task.await.unwrap();
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        let bytes = std::fs::read(&outcome.images[0].path).unwrap();
        let text = png_text_chunks(&bytes).unwrap();
        let easel: serde_json::Value =
            serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").unwrap().1).unwrap();
        seeds.push((easel["seeds"]["3"]["seed"].as_u64().unwrap(), easel["seeds"]["17"]["seed"].as_u64().unwrap()));
    }
    assert_eq!(seeds, [(12345, 12345), (12346, 12345), (12347, 12345)]);

    // With one slot, a run is only submitted after the previous one ended.
    let events = events.lock().unwrap();
    let mut active = HashSet::new();
    for event in events.iter() {
        match &event.change {
            JobChange::Submitted { .. } => {
                active.insert(event.run_id.clone());
                assert_eq!(active.len(), 1, "two runs were on the service at once");
            }
            JobChange::Succeeded { .. } | JobChange::Failed { .. } | JobChange::Canceled => {
                active.remove(&event.run_id);
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn cancel_stops_a_running_job_and_a_pending_one() {
    let (_emulator, client) = emulator_with("queue=0").await;
    let (sink, mut rx) = streaming_sink();
    let (engine, _library) = engine(client, sink, 1);
    let mut handles = start(&engine, reference(2)).await;
    let pending = handles.pop().unwrap();
    let running = handles.pop().unwrap();
    assert!(engine.pending().contains(&pending.run_id), "the second run waits for the only slot");
    assert!(engine.cancel(&pending.run_id), "a pending run can be canceled");
    // Wait until the first run is visibly executing on the service, then cancel it.
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv()).await.unwrap().unwrap();
        if matches!(event.change, JobChange::Node { status: NodeState::Running, .. }) {
            break;
        }
    }
    assert!(engine.cancel(&running.run_id));
    let first = running.task.await.unwrap();
    let second = pending.task.await.unwrap();
    assert!(first.canceled && first.error.is_none(), "{first:?}");
    assert!(second.canceled && second.job_id.is_none(), "the pending run never reached the service: {second:?}");
    assert_eq!(engine.run_record(&first.run_id).unwrap().unwrap().status, "canceled");
    assert_eq!(engine.run_record(&second.run_id).unwrap().unwrap().status, "canceled");
    assert!(!engine.cancel(&first.run_id), "a finished run is no longer active");
}

/// A cancel that lands after the service offered the picture, while the job still settles and
/// the picture is still downloading (slowly), keeps that picture: it was made and paid for. The
/// run still ends canceled, as asked.
#[tokio::test]
async fn a_cancel_after_the_picture_was_offered_keeps_the_picture() {
    let config = EmulatorConfig {
        settle: Duration::from_secs(5),
        faults: FaultSpec::parse("queue=0,slow=400000").unwrap(),
        ..fast_emulator()
    };
    let (_emulator, client) = emulator_from(config).await;
    let (sink, mut rx) = streaming_sink();
    let (engine, _library) = engine(client, sink, 1);
    let run = start(&engine, reference(1)).await.pop().unwrap();
    // Every node done: the service has offered the picture, and the engine starts its download.
    let (mut nodes, mut done) = (usize::MAX, HashSet::new());
    while done.len() < nodes {
        let event = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.unwrap().unwrap();
        match event.change {
            JobChange::Queued { nodes: order } => nodes = order.len(),
            JobChange::Node { node_id, status: NodeState::Done, .. } => {
                done.insert(node_id);
            }
            JobChange::ImageSaved { .. } => panic!("the slow download ended before the cancel could be sent"),
            _ => {}
        }
    }
    assert!(engine.cancel(&run.run_id));
    let outcome = run.task.await.unwrap();
    assert!(outcome.canceled && outcome.error.is_none(), "{outcome:?}");
    assert_eq!(outcome.images.len(), 1, "the picture downloading when the cancel landed is kept");
    let bytes = std::fs::read(&outcome.images[0].path).unwrap();
    assert!(png_text_chunks(&bytes).is_ok(), "a whole PNG was saved");
    assert_eq!(engine.run_record(&outcome.run_id).unwrap().unwrap().status, "canceled");
}
