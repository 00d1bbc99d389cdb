//! The endpoint is recorded by its label only: a token in the configured URL's query reaches the
//! service (it is part of every request) but no saved PNG and no byte of the journal, and a
//! journal an older Easel wrote with full URLs as backends is migrated and still resumes.

use std::sync::Arc;
use std::time::Duration;

use easel_engine::{Engine, RunLimits, DATABASE_FILE};
use easel_tams::{endpoint_label, Auth, Budget, Client, ClientConfig, Sensitive};
use easel_workflow::{png_text_chunks, Workflow, REFERENCE_WORKFLOW};

use crate::{collecting_sink, reference, start};

const TOKEN: &str = "qsecret42";

async fn emulator() -> easel_emulator::Emulator {
    let config = easel_emulator::EmulatorConfig {
        api_key: "k".into(),
        step_delay: Duration::from_millis(5),
        ..easel_emulator::EmulatorConfig::default()
    };
    easel_emulator::Emulator::start(config).await.unwrap()
}

/// A client whose configured endpoint carries `TOKEN` in its query.
fn tokened_client(emulator: &easel_emulator::Emulator) -> Client {
    let base = format!("{}/?proxy_token={TOKEN}", emulator.base_url());
    Client::new(ClientConfig::new(base, Auth::Bearer(Sensitive::new("k".into()))), Arc::new(Budget::tams_default()))
        .unwrap()
}

fn limits() -> RunLimits {
    RunLimits {
        running_poll: Duration::from_millis(50),
        waiting_poll: Duration::from_millis(50),
        ..RunLimits::default()
    }
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn a_token_in_the_endpoint_is_in_no_png_and_nowhere_in_the_journal() {
    let emulator = emulator().await;
    let client = tokened_client(&emulator);
    assert_eq!(client.backend_label(), emulator.base_url());
    let library = tempfile::tempdir().unwrap();
    let (sink, _) = collecting_sink();
    let engine = Engine::open(library.path(), client, sink, limits()).unwrap();
    let outcome = start(&engine, reference(1)).await.remove(0).task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1);

    let png = std::fs::read(&outcome.images[0].path).unwrap();
    let easel = png_text_chunks(&png).unwrap().into_iter().find(|(k, _)| k == "easel").unwrap().1;
    let easel: serde_json::Value = serde_json::from_str(&easel).unwrap();
    assert_eq!(easel["backend"], emulator.base_url().as_str(), "scheme, host and port only");

    // Every file the run left, the journal's WAL included (the engine is still open, so its
    // writes may not be checkpointed yet).
    let files = files_under(library.path());
    assert!(files.iter().any(|f| f.ends_with(format!("{DATABASE_FILE}-wal"))), "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "{} holds the token", file.display());
    }
    drop(engine);
}

#[tokio::test]
async fn a_version_four_journal_with_a_full_url_backend_resumes_after_migration() {
    let emulator = emulator().await;
    let library = tempfile::tempdir().unwrap();
    let full_url = format!("{}/?proxy_token={TOKEN}", emulator.base_url());
    // A journal as Easel left it before migration 5: the newest schema's tables, version 4, and
    // a queued run recorded under the configured URL.
    drop(easel_engine::Store::open(&library.path().join(DATABASE_FILE)).unwrap());
    let conn = rusqlite::Connection::open(library.path().join(DATABASE_FILE)).unwrap();
    let params = Workflow::from_json_str(REFERENCE_WORKFLOW).unwrap().workflow.to_tams_params().to_string();
    conn.execute(
        "INSERT INTO runs (run_id, request_id, name, backend, workflow, seeds, kind, status, created_at, updated_at)
         VALUES ('old-run', 'old-request', 'reference', ?1, ?2, '{}', 'graph', 'queued', 1, 1)",
        rusqlite::params![full_url, params],
    )
    .unwrap();
    // Tables of later steps go too, so the migrations after 4 run as they would on such a file.
    conn.execute_batch(
        "DROP TABLE model_map; DROP TABLE run_text; DROP TABLE spend_caps; DROP INDEX runs_by_time;
         DROP INDEX runs_by_name; DROP INDEX runs_ledger; ALTER TABLE runs DROP COLUMN estimate; ALTER TABLE runs DROP COLUMN started_at;
         ALTER TABLE runs DROP COLUMN ended_at; ALTER TABLE runs DROP COLUMN queue_rank;
         DROP INDEX runs_by_sweep; ALTER TABLE runs DROP COLUMN sweep_cell; ALTER TABLE runs DROP COLUMN sweep_id;
         DROP TABLE sweeps;",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", 4).unwrap();
    drop(conn);

    let (sink, _) = collecting_sink();
    let engine = Engine::open(library.path(), tokened_client(&emulator), sink, limits()).unwrap();
    let handles = engine.resume().unwrap();
    assert_eq!(handles.len(), 1, "the old row is found under the label");
    let outcome = handles.into_iter().next().unwrap().task.await.unwrap();
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.images.len(), 1);
    let record = engine.run_record("old-run").unwrap().unwrap();
    assert_eq!(record.status, "succeeded");

    let conn = rusqlite::Connection::open(library.path().join(DATABASE_FILE)).unwrap();
    let backend: String =
        conn.query_row("SELECT backend FROM runs WHERE run_id = 'old-run'", [], |r| r.get(0)).unwrap();
    assert_eq!(backend, endpoint_label(&full_url));
    assert_eq!(backend, emulator.base_url());
}
