//! A journal with unreadable rows: they are failed by name and the healthy rows resume.

use super::crafted_files::chain;
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_journal_rows_are_failed_by_name_and_the_rest_resume() {
    let _timed = crate::TIMED.lock().await;
    // The kill helper signs with `cli-key`; the resume below is given the same key.
    let emulator = easel_emulator::Emulator::start(easel_emulator::EmulatorConfig {
        api_key: "cli-key".into(),
        faults: easel_emulator::FaultSpec::parse("queue=0").unwrap(),
        ..easel_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib");
    let budget = dir.path().join("budget");
    let healthy = crate::resume::run_until_submitted_then_kill(
        &crate::reference_file(),
        &["--count", "2", "--concurrency", "2"],
        &emulator.base_url(),
        &library,
        &budget,
        2,
    )
    .await;
    // H4: rows a resume cannot read: truncated JSON, a node that is not an object, and a stored
    // graph over the node cap. The journal is written as an older or damaged Easel might have.
    let store = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE)).unwrap();
    let huge = chain(12_000).to_string();
    let bad = [("bad-truncated", "{\"3\": {\"classType\""), ("bad-not-a-node", "{\"3\": 5}"), ("bad-huge", &huge)];
    let backend = emulator.base_url();
    let rows: Vec<easel_engine::NewRun<'_>> = bad
        .iter()
        .map(|(id, workflow)| easel_engine::NewRun {
            run_id: id,
            request_id: id,
            name: "hostile",
            backend: &backend,
            workflow,
            seeds: "{}",
            editor: Some("{not json"),
            kind: easel_engine::RunKind::Graph,
            uploads: Some("[{"),
            estimate: None,
        })
        .collect();
    store.insert_runs(&rows, None).unwrap();
    drop(store);
    // Rows written by a process long gone: no owner (as before ownership existed), so this
    // resume may take them. With this test process as their owner they would rightly be left.
    let conn = rusqlite::Connection::open(library.join(easel_engine::DATABASE_FILE)).unwrap();
    conn.execute("UPDATE runs SET owner = NULL, heartbeat = NULL WHERE run_id LIKE 'bad-%'", []).unwrap();
    drop(conn);

    let resume = {
        let library = library.clone();
        let url = emulator.base_url();
        tokio::task::spawn_blocking(move || {
            easel(
                &[os("resume"), os("--endpoint"), os(&url), os("--library"), library.as_os_str()],
                &[("EASEL_BUDGET_DIR", budget.as_os_str()), ("EASEL_API_KEY", os("cli-key"))],
            )
        })
        .await
        .unwrap()
    };
    resume.expect("resume with unreadable rows", 1).says(
        "resume",
        &[
            "cannot resume run bad-truncated",
            "cannot resume run bad-not-a-node",
            "cannot resume run bad-huge",
            "too many nodes: 12004, the limit is 10000",
        ],
    );
    let runs = journal(&library);
    assert_eq!((healthy.len(), runs.len()), (2, 5), "{runs:?}");
    for (run_id, status, code, images) in &runs {
        if healthy.contains(run_id) {
            assert_eq!((status.as_str(), *images), ("succeeded", 1), "{run_id} resumed and saved");
        } else {
            assert!(run_id.starts_with("bad-"), "{run_id}");
            assert_eq!((status.as_str(), *images), ("failed", 0), "{run_id} is failed, not stuck");
            assert!(code.is_some(), "{run_id} has an error code");
        }
    }
    assert_eq!(library_state(&library), (2, 2, 0), "the two healthy runs saved and indexed once each");
}
