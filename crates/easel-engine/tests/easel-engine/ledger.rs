//! The history and the spend ledger over real runs: every run is listed with its estimate, actual
//! credits and times; failed runs cost nothing; the caps are checked in the pipeline, so a batch
//! past one is refused before anything is recorded or sent, and runs once the front door agrees.

use easel_engine::{
    CapPeriod, EngineError, HistoryFilter, Hooks, JobChange, RunStatus, SpendBy, SpendCaps, MAX_HISTORY_PAGE,
};

use crate::{collecting_sink, emulator_with, engine, reference, start};

/// Credits the emulator charges one run of the reference workflow (the seed example's 2.4).
const REFERENCE_CREDITS: f64 = 2.4;

#[tokio::test]
async fn finished_runs_are_listed_newest_first_with_what_they_cost() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, _events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 2);
    for run in start(&engine, reference(3)).await {
        assert!(run.task.await.unwrap().error.is_none());
    }
    let page = engine.history(&HistoryFilter::default(), None, 50).unwrap();
    assert_eq!(page.runs.len(), 3);
    assert_eq!(page.skipped, 0);
    assert!(page.next.is_none());
    for run in &page.runs {
        assert_eq!(run.status, RunStatus::Succeeded);
        assert_eq!(run.estimate, Some(REFERENCE_CREDITS));
        assert_eq!(run.credits, Some(REFERENCE_CREDITS));
        assert_eq!(run.image_count, 1);
        assert_eq!(run.images.len(), 1);
        assert!(std::path::Path::new(&run.images[0].path).is_file());
        assert!(run.images[0].id.is_some(), "the gallery id for its thumbnail");
        let (started, ended) = (run.started_at.unwrap(), run.ended_at.unwrap());
        assert!(run.created_at <= started && started <= ended, "{run:?}");
    }
    let times: Vec<(i64, &str)> = page.runs.iter().map(|r| (r.created_at, r.run_id.as_str())).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    // Pages continue where the last one stopped, without repeats.
    let first = engine.history(&HistoryFilter::default(), None, 2).unwrap();
    let rest = engine.history(&HistoryFilter::default(), first.next.as_ref(), MAX_HISTORY_PAGE).unwrap();
    let ids: Vec<&str> = first.runs.iter().chain(&rest.runs).map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, page.runs.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>());
    // Found by a word of the prompt, not by one it does not hold.
    let prompt = |text: &str| HistoryFilter { text: Some(text.into()), ..HistoryFilter::default() };
    assert_eq!(engine.history_count(&prompt("masterpi")).unwrap(), 3, "the reference prompt says masterpiece");
    assert_eq!(engine.history_count(&prompt("zebra")).unwrap(), 0);
    let report = engine.spend(SpendBy::Day, None).unwrap();
    assert_eq!(report.rows.len(), 1, "{report:?}");
    assert!((report.rows[0].charged - 3.0 * REFERENCE_CREDITS).abs() < 1e-9, "{report:?}");
    assert!((report.today - 3.0 * REFERENCE_CREDITS).abs() < 1e-9);
    assert_eq!(report.total.pending, 0.0);
    // A finished run's record can go; its image stays on disk.
    let gone = &page.runs[0];
    assert!(engine.forget_run(&gone.run_id).unwrap());
    assert!(!engine.forget_run(&gone.run_id).unwrap());
    assert_eq!(engine.history_count(&HistoryFilter::default()).unwrap(), 2);
    assert!(std::path::Path::new(&gone.images[0].path).is_file());
}

#[tokio::test]
async fn failed_runs_cost_nothing() {
    let (_emulator, client) = emulator_with("fail=1").await;
    let (sink, _events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 2);
    for run in start(&engine, reference(2)).await {
        assert!(run.task.await.unwrap().error.is_some());
    }
    let failed = HistoryFilter { statuses: vec![RunStatus::Failed], ..HistoryFilter::default() };
    let page = engine.history(&failed, None, 10).unwrap();
    assert_eq!(page.runs.len(), 2);
    assert!(page.runs.iter().all(|r| r.error_code == Some(easel_error::ErrorCode::JobFailed) && r.error.is_some()));
    let report = engine.spend(SpendBy::Workflow, None).unwrap();
    assert_eq!((report.total.runs, report.total.failed), (2, 2));
    assert_eq!(report.total.charged, 0.0);
    assert!((report.total.estimated - 2.0 * REFERENCE_CREDITS).abs() < 1e-9);
}

#[tokio::test]
async fn a_batch_past_a_cap_is_refused_before_anything_is_recorded_unless_agreed() {
    let (emulator, client) = emulator_with("").await;
    let (sink, events) = collecting_sink();
    let (engine, _library) = engine(client, sink, 2);
    for run in start(&engine, reference(1)).await {
        assert!(run.task.await.unwrap().error.is_none());
    }
    engine.set_spend_caps(SpendCaps { daily: Some(5.0), monthly: None }).unwrap();
    let creates = || emulator.requests().iter().filter(|r| r.method == "POST" && r.path == "/v1/jobs/workflow").count();
    let created = creates();
    let refused = engine.start(reference(2), &Hooks { over_cap: &|_| false, ..Hooks::approve_all() }).await;
    let Err(EngineError::OverSpendCap(breach)) = refused else { panic!("not refused: {refused:?}") };
    assert_eq!(breach.period, CapPeriod::Day);
    assert!((breach.spent - REFERENCE_CREDITS).abs() < 1e-9 && (breach.estimate - 4.8).abs() < 1e-9);
    assert_eq!(breach.cap, 5.0);
    assert!(refused.unwrap_err().to_string().contains("cap of 5 credits"));
    assert_eq!(engine.history_count(&HistoryFilter::default()).unwrap(), 1, "nothing recorded");
    assert_eq!(creates(), created, "nothing sent");
    // Under the cap a batch needs no answer about it; past it, the front door's yes is enough.
    let asked = std::sync::atomic::AtomicBool::new(false);
    let answer = |_: &easel_engine::CapBreach| {
        asked.store(true, std::sync::atomic::Ordering::SeqCst);
        true
    };
    let started = engine.start(reference(2), &Hooks { over_cap: &answer, ..Hooks::approve_all() }).await.unwrap();
    assert!(asked.load(std::sync::atomic::Ordering::SeqCst));
    for run in started.runs {
        assert!(run.task.await.unwrap().error.is_none());
    }
    let report = engine.spend(SpendBy::Month, None).unwrap();
    assert!((report.this_month - 3.0 * REFERENCE_CREDITS).abs() < 1e-9);
    assert_eq!(report.caps.daily, Some(5.0));
    assert!(events.lock().unwrap().iter().filter(|e| matches!(e.change, JobChange::Succeeded { .. })).count() == 3);
    // A cap that cannot be one changes nothing.
    assert!(engine.set_spend_caps(SpendCaps { daily: Some(-1.0), monthly: None }).is_err());
    assert_eq!(engine.spend_caps().unwrap().daily, Some(5.0));
}

#[tokio::test]
async fn a_paused_queue_keeps_its_order_across_a_restart_and_runs_when_resumed() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, events) = collecting_sink();
    let (first, library) = engine(client.clone(), sink.clone(), 1);
    first.set_paused(true);
    let runs = start(&first, reference(3)).await;
    let ids: Vec<String> = runs.iter().map(|r| r.run_id.clone()).collect();
    first.reorder(std::slice::from_ref(&ids[2])).unwrap();
    first.send_back(std::slice::from_ref(&ids[0])).unwrap();
    let order = vec![ids[2].clone(), ids[1].clone(), ids[0].clone()];
    assert_eq!(first.pending(), order);
    // The app quits: its tasks end and its runs are left to whoever opens the library next.
    for run in runs {
        run.task.abort();
    }
    drop(first);
    let journal = rusqlite::Connection::open(library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    journal.execute("UPDATE runs SET owner = NULL", []).unwrap();
    drop(journal);
    let limits = easel_engine::RunLimits {
        concurrency: 1,
        running_poll: std::time::Duration::from_millis(50),
        waiting_poll: std::time::Duration::from_millis(50),
        ..easel_engine::RunLimits::default()
    };
    let second = easel_engine::Engine::open(library.path(), client, sink, limits).unwrap();
    second.set_paused(true);
    let resumed = second.resume().unwrap();
    assert_eq!(resumed.len(), 3);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(second.pending(), order, "same order, still held back");
    second.set_paused(false);
    for run in resumed {
        assert!(run.task.await.unwrap().error.is_none());
    }
    // One slot: the service saw them in exactly the queue's order.
    let submitted: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e.change, JobChange::Submitted { .. }))
        .map(|e| e.run_id.clone())
        .collect();
    assert_eq!(submitted, order);
}

#[tokio::test]
async fn a_run_left_after_start_is_picked_up_once_and_nothing_runs_twice() {
    let (_emulator, client) = emulator_with("").await;
    let (sink, events) = collecting_sink();
    let (engine, library) = engine(client.clone(), sink, 2);
    assert!(engine.keep_resuming().unwrap().is_empty());
    let ours = start(&engine, reference(1)).await;
    // A run another process recorded and left after this engine started (no owner any more).
    let params = easel_workflow::Workflow::from_json_str(easel_workflow::REFERENCE_WORKFLOW)
        .unwrap()
        .workflow
        .to_tams_params()
        .to_string();
    let journal = easel_engine::Store::open(&library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    let backend = client.backend_label();
    let left = easel_engine::NewRun {
        estimate: Some(2.4),
        ..crate::stored_run("left-behind", "left-behind", "reference", &backend, &params)
    };

    journal.insert_runs(&[left], None).unwrap();
    drop(journal);
    let conn = rusqlite::Connection::open(library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    conn.execute("UPDATE runs SET owner = NULL WHERE run_id = 'left-behind'", []).unwrap();
    drop(conn);
    for run in ours {
        assert!(run.task.await.unwrap().error.is_none());
    }
    // Within a couple of heartbeats the sweep adopts it and it succeeds.
    let deadline = std::time::Instant::now() + easel_engine::HEARTBEAT * 4;
    while engine.run_record("left-behind").unwrap().unwrap().status != "succeeded" {
        assert!(std::time::Instant::now() < deadline, "the left run was never picked up");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Let one more sweep pass over the finished runs: none is started again.
    tokio::time::sleep(easel_engine::HEARTBEAT + std::time::Duration::from_secs(1)).await;
    let submitted = events.lock().unwrap().iter().filter(|e| matches!(e.change, JobChange::Submitted { .. })).count();
    assert_eq!(submitted, 2, "each run was submitted once");
}
