//! The journal's schema: numbered steps recorded in `user_version`, each SQL or (where SQL cannot
//! do the work, such as parsing URLs) Rust, all run inside the opener's BEGIN IMMEDIATE. What it
//! leaves out: connection settings and the queries, which live with `Store`.

use std::path::Path;

use rusqlite::{params, Connection};

use crate::EngineError;

/// One schema step: SQL, or Rust where SQL cannot do the work (parsing URLs).
pub(super) enum Step {
    Sql(&'static str),
    Rust(fn(&Connection) -> rusqlite::Result<()>),
}

/// Schema steps, applied in order; `user_version` records how many ran.
pub(super) const MIGRATIONS: &[Step] = &[
    Step::Sql(
        "
CREATE TABLE runs (
    run_id      TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL,
    job_id      TEXT,
    name        TEXT NOT NULL,
    backend     TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    status      TEXT NOT NULL,
    credits     REAL,
    error_code  TEXT,
    error       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE images (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    job_id      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    path        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (run_id, resource)
);
CREATE INDEX images_by_time ON images(created_at DESC);
",
    ),
    Step::Sql(
        "
ALTER TABLE runs ADD COLUMN seeds TEXT;
ALTER TABLE runs ADD COLUMN editor TEXT;
CREATE INDEX runs_unfinished ON runs(status) WHERE status IN ('queued', 'submitted');
",
    ),
    // Explicit run kinds (older rows are told apart by their stored document once, here), the
    // local files each run uploaded, and the two caches: uploads by content, model info by id.
    Step::Sql(
        "
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'graph';
UPDATE runs SET kind = 'template'
    WHERE json_valid(workflow) AND json_type(workflow, '$.templateId') = 'text' AND json_type(workflow, '$.fields') = 'array';
ALTER TABLE runs ADD COLUMN uploads TEXT;
CREATE TABLE uploads (
    backend     TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL,
    PRIMARY KEY (backend, sha256)
);
CREATE TABLE models (
    backend     TEXT NOT NULL,
    id          TEXT NOT NULL,
    info        TEXT,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (backend, id)
);
",
    ),
    // Which process drives each run, and when it last said so (see `owner`).
    Step::Sql(
        "
ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE runs ADD COLUMN heartbeat INTEGER;
",
    ),
    // Backends were recorded as the configured URL, query tokens and userinfo included; they
    // become the endpoint label, which is also the resume key.
    Step::Rust(label_backends),
    // Model files a person mapped to model ids (see `mapping`), one row per file name and
    // namespace of ids; looked up by file (sending) and by id (the reverse direction).
    Step::Sql(
        "
CREATE TABLE model_map (
    namespace   TEXT NOT NULL,
    file        TEXT NOT NULL,
    model_id    TEXT NOT NULL,
    model_type  TEXT NOT NULL,
    mapped_at   INTEGER NOT NULL,
    PRIMARY KEY (namespace, file)
);
CREATE INDEX model_map_by_id ON model_map(namespace, model_id);
",
    ),
    // The history and the spend ledger: each run's estimate and when it started running and
    // ended (finished rows take their last update as their end), its place in the queue once a
    // person moved it, newest-first and by-name indexes, the ledger's covering index (keyed by
    // the quarter hour a run counts in, holding every column the ledger reads, so a cap check and
    // a spend report never read the rows' documents and group in index order), the words runs are
    // searched by, and the person's spend caps.
    Step::Sql(
        "
ALTER TABLE runs ADD COLUMN estimate REAL;
ALTER TABLE runs ADD COLUMN started_at INTEGER;
ALTER TABLE runs ADD COLUMN ended_at INTEGER;
ALTER TABLE runs ADD COLUMN queue_rank INTEGER;
UPDATE runs SET ended_at = updated_at WHERE status IN ('succeeded', 'failed', 'canceled');
CREATE INDEX runs_by_time ON runs(created_at DESC, run_id DESC);
CREATE INDEX runs_by_name ON runs(name, created_at DESC);
CREATE INDEX runs_ledger ON runs(COALESCE(ended_at, created_at) / 900, ended_at, created_at, status, credits, estimate, job_id, name, backend);
CREATE VIRTUAL TABLE run_text USING fts5(run_id UNINDEXED, name, prompt, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE spend_caps (
    period      TEXT PRIMARY KEY CHECK (period IN ('daily', 'monthly')),
    credits     REAL NOT NULL CHECK (credits >= 0)
);
",
    ),
    // Every run recorded before the history existed becomes searchable.
    Step::Rust(index_run_text),
    // Sweeps: the definition and base document of each (what "Run again" on its grid needs),
    // its grid once composed (`grid_state`: null, 'composing' while one process claims it,
    // 'done' or 'failed'), and each run's sweep and cell.
    Step::Sql(
        "
CREATE TABLE sweeps (
    sweep_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    editor      TEXT,
    created_at  INTEGER NOT NULL,
    grid_state  TEXT,
    grid_path   TEXT
);
ALTER TABLE runs ADD COLUMN sweep_id TEXT REFERENCES sweeps(sweep_id);
ALTER TABLE runs ADD COLUMN sweep_cell TEXT;
CREATE INDEX runs_by_sweep ON runs(sweep_id) WHERE sweep_id IS NOT NULL;
",
    ),
];

/// Migration 8: the search words of every run already in the journal. A row whose document
/// cannot be read is still found by its name.
fn index_run_text(conn: &Connection) -> rusqlite::Result<()> {
    let mut read = conn.prepare("SELECT run_id, name, workflow FROM runs")?;
    let mut insert = conn.prepare("INSERT INTO run_text (run_id, name, prompt) VALUES (?1, ?2, ?3)")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let (Ok(run_id), name, workflow) =
            (row.get::<_, String>(0), row.get::<_, String>(1).unwrap_or_default(), row.get::<_, String>(2))
        else {
            eprintln!("easel: journal migration: a run row without a readable id was left unindexed");
            continue;
        };
        let prompt = workflow.map(|w| super::history::search_text(&w)).unwrap_or_default();
        insert.execute(params![run_id, name, prompt])?;
    }
    Ok(())
}

/// Tables whose `backend` column is rewritten to `easel_tams::endpoint_label`, and whether the
/// column is part of the primary key (a cache: two old URLs may now name one backend).
const BACKEND_TABLES: &[(&str, bool)] = &[("runs", false), ("uploads", true), ("models", true)];

/// Migration 5: every stored backend becomes its label. Cache rows whose new key already exists
/// replace the older entry (`OR REPLACE`): either is a valid cache entry for that backend.
fn label_backends(conn: &Connection) -> rusqlite::Result<()> {
    for (table, keyed) in BACKEND_TABLES {
        let olds: Vec<String> = {
            let mut stmt = conn.prepare(&format!("SELECT DISTINCT backend FROM {table}"))?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let verb = if *keyed { "UPDATE OR REPLACE" } else { "UPDATE" };
        for old in olds {
            let label = easel_tams::endpoint_label(&old);
            if label != old {
                conn.execute(&format!("{verb} {table} SET backend = ?1 WHERE backend = ?2"), params![label, old])?;
            }
        }
    }
    Ok(())
}

pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<(), EngineError> {
    let version: usize =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| EngineError::store(path, e))?;
    if version > MIGRATIONS.len() {
        return Err(EngineError::Store(format!(
            "{} was written by a newer Easel (schema {version}); refusing to touch it",
            path.display()
        )));
    }
    // Every step runs inside the caller's BEGIN IMMEDIATE, so a failed one leaves nothing.
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version) {
        let ran = match step {
            Step::Sql(sql) => conn.execute_batch(sql),
            Step::Rust(run) => run(conn),
        };
        ran.and_then(|()| conn.execute_batch(&format!("PRAGMA user_version = {};", i + 1)))
            .map_err(|e| EngineError::store(path, e))?;
    }
    Ok(())
}
