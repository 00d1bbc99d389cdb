//! The SQLite record of runs and saved images (WAL, versioned migrations via `user_version`).
//! A run row is written before its create request is sent, so a crash never forgets a job;
//! an image row is written after its file is renamed into place, and a unique key per image
//! makes saving idempotent. The upload and model caches live beside it (`cache`). Search,
//! tags and thumbnails belong to the library index.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::EngineError;

mod cache;
mod history;
mod ledger;
mod mapping;
mod schema;
pub(crate) mod sweeps;

pub use history::{HistoryCursor, HistoryFilter, HistoryPage, HistoryRun, RunImage, RunStatus, MAX_HISTORY_PAGE};
pub use mapping::MappedRow;
pub(crate) use sweeps::NewSweep;
pub use sweeps::{SweepRecord, SweepRun};

use schema::migrate;

/// What a run sends: a whole graph, or a template by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `POST /v1/jobs/workflow` with the stored params.
    Graph,
    /// `POST /v1/jobs/workflow/template` with the stored fields.
    Template,
}

impl RunKind {
    fn as_str(self) -> &'static str {
        match self {
            RunKind::Graph => "graph",
            RunKind::Template => "template",
        }
    }

    /// The kind a `kind` column holds: anything but `template` is a graph run (the column's
    /// default, and what rows older than it were).
    pub(crate) fn from_column(text: &str) -> RunKind {
        if text == "template" {
            RunKind::Template
        } else {
            RunKind::Graph
        }
    }
}

/// A stored run, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Easel's run id.
    pub run_id: String,
    /// The requestId sent on create (reused on retry and resume).
    pub request_id: String,
    /// The service's job id, once known.
    pub job_id: Option<String>,
    /// Last known status (`queued`, `submitted`, `succeeded`, `failed`, `canceled`).
    pub status: String,
    /// A name for people.
    pub name: String,
    /// The TAMS params JSON as sent.
    pub workflow: String,
    /// The editor workflow JSON, when known.
    pub editor: Option<String>,
    /// Unix seconds when the run was recorded.
    pub created_at: i64,
    /// Graph or template run.
    pub kind: RunKind,
    /// The local files it uploaded (JSON list of `Upload`), when any.
    pub uploads: Option<String>,
    /// The process driving it (`owner` module), when one claimed it.
    pub owner: Option<String>,
    /// When that process last said it still drives it (unix seconds).
    pub heartbeat: Option<i64>,
}

/// One connection to the library database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// This engine, as the owner of the runs it records or claims.
    owner: String,
}

impl Store {
    /// Opens (creating and migrating) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, EngineError> {
        let conn = Connection::open(path).map_err(|e| EngineError::store(path, e))?;
        // The timeout first: switching to WAL takes a lock another process may hold.
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| EngineError::store(path, e))?;
        easel_library::set_wal(&conn).map_err(|e| EngineError::store(path, e))?;
        // FULL: the journal sees a few writes per run, and the row written before a paid create
        // must survive a power loss.
        conn.pragma_update(None, "synchronous", "FULL").map_err(|e| EngineError::store(path, e))?;
        // Rewritten rows (migration 5 drops tokens from stored URLs) leave no old bytes in
        // freed page space; the journal sees few writes, so the extra zeroing costs little.
        conn.pragma_update(None, "secure_delete", "ON").map_err(|e| EngineError::store(path, e))?;
        // The write lock first, then the version: processes opening a new library at once wait
        // for each other here, and each finds the steps the first one already ran.
        conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| EngineError::store(path, e))?;
        let migrated = migrate(&conn, path);
        let end = if migrated.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = conn.execute_batch(end).map_err(|e| EngineError::store(path, e));
        migrated.and(ended)?;
        Ok(Store { conn, owner: crate::owner::new_owner() })
    }

    /// Records a batch of runs before anything is sent: all of them, or none. With `within_cap`
    /// (the batch's total), the caps are checked again inside the write lock, so two processes
    /// starting batches at once cannot both pass a cap that only one of them fits under.
    pub fn insert_runs(&self, runs: &[NewRun<'_>], within_cap: Option<f64>) -> Result<(), EngineError> {
        self.insert_batch(runs, within_cap, None)
    }

    /// `insert_runs`, and for a sweep its row first and each run's cell (`sweep.cells[i]` is
    /// run i's), in the same transaction.
    pub(crate) fn insert_batch(
        &self,
        runs: &[NewRun<'_>],
        within_cap: Option<f64>,
        sweep: Option<&sweeps::NewSweep<'_>>,
    ) -> Result<(), EngineError> {
        let now = unix_now();
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(EngineError::sql)?;
        if let Some(total) = within_cap {
            if let Some(breach) = self.cap_breach(total)? {
                return Err(EngineError::OverSpendCap(breach));
            }
        }
        if let Some(sweep) = sweep {
            sweeps::insert(&tx, sweep, now)?;
        }
        for (i, run) in runs.iter().enumerate() {
            tx.execute(
                "INSERT INTO runs (run_id, request_id, name, backend, workflow, seeds, editor, kind, uploads, status, created_at, updated_at, owner, heartbeat, estimate)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10, ?10, ?11, ?10, ?12)",
                params![
                    run.run_id,
                    run.request_id,
                    run.name,
                    run.backend,
                    run.workflow,
                    run.seeds,
                    run.editor,
                    run.kind.as_str(),
                    run.uploads,
                    now,
                    self.owner,
                    run.estimate
                ],
            )
            .map_err(EngineError::sql)?;
            tx.execute(
                "INSERT INTO run_text (run_id, name, prompt) VALUES (?1, ?2, ?3)",
                params![run.run_id, run.name, history::search_text(run.workflow)],
            )
            .map_err(EngineError::sql)?;
            if let Some(sweep) = sweep {
                sweeps::place(&tx, sweep, run.run_id, i)?;
            }
        }
        tx.commit().map_err(EngineError::sql)
    }

    /// Takes a run over for this process if it still has the owner `seen` (read just before):
    /// two processes resuming at once never both get it.
    pub fn claim(&self, run_id: &str, seen: Option<&str>) -> Result<bool, EngineError> {
        let changed = self
            .conn
            .execute(
                "UPDATE runs SET owner = ?2, heartbeat = ?3 WHERE run_id = ?1 AND owner IS ?4",
                params![run_id, self.owner, unix_now(), seen],
            )
            .map_err(EngineError::sql)?;
        Ok(changed == 1)
    }

    /// Tells other processes this one still drives its unfinished runs.
    pub fn heartbeat(&self) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE runs SET heartbeat = ?2 WHERE owner = ?1 AND status IN ('queued', 'submitted')",
                params![self.owner, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// This engine as an owner.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Stores the service's job id once create answered.
    pub fn set_job_id(&self, run_id: &str, job_id: &str) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE runs SET job_id = ?2, status = 'submitted', updated_at = ?3 WHERE run_id = ?1",
                params![run_id, job_id, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// Records when the service first reported the run as running (once).
    pub fn mark_started(&self, run_id: &str) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE runs SET started_at = ?2 WHERE run_id = ?1 AND started_at IS NULL",
                params![run_id, unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// Records how a run ended.
    pub fn finish_run(
        &self,
        run_id: &str,
        status: &str,
        credits: Option<f64>,
        error: Option<(&str, &str)>,
    ) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE runs SET status = ?2, credits = ?3, error_code = ?4, error = ?5, updated_at = ?6, ended_at = ?6 WHERE run_id = ?1",
                params![run_id, status, credits, error.map(|e| e.0), error.map(|e| e.1), unix_now()],
            )
            .map_err(EngineError::sql)?;
        Ok(())
    }

    /// Reads one run.
    pub fn run(&self, run_id: &str) -> Result<Option<RunRecord>, EngineError> {
        self.conn
            .query_row(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE run_id = ?1"), [run_id], run_record)
            .optional()
            .map_err(EngineError::sql)
    }

    /// Records the queue's order (pending run ids, next first), so a restart keeps it.
    pub fn set_queue_order(&self, pending: &[String]) -> Result<(), EngineError> {
        let tx = self.conn.unchecked_transaction().map_err(EngineError::sql)?;
        for (rank, run_id) in pending.iter().enumerate() {
            tx.execute("UPDATE runs SET queue_rank = ?2 WHERE run_id = ?1", params![run_id, rank as i64])
                .map_err(EngineError::sql)?;
        }
        tx.commit().map_err(EngineError::sql)
    }

    /// Runs that never reached an end (queued or submitted) for `backend`, in queue order: runs
    /// a person placed first by their place, then the rest oldest first.
    pub fn unfinished_runs(&self, backend: &str) -> Result<Vec<RunRecord>, EngineError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE status IN ('queued', 'submitted') AND backend = ?1
                 ORDER BY queue_rank IS NULL, queue_rank, created_at, rowid"
            ))
            .map_err(EngineError::sql)?;
        let rows = stmt.query_map([backend], run_record).map_err(EngineError::sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(EngineError::sql)
    }

    /// Number of images saved for a run.
    pub fn image_count(&self, run_id: &str) -> Result<u32, EngineError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM images WHERE run_id = ?1", [run_id], |r| r.get(0))
            .map_err(EngineError::sql)
    }

    /// The image already saved for `resource` in this run, if any.
    pub fn image_id(&self, run_id: &str, resource: &str) -> Result<Option<i64>, EngineError> {
        self.conn
            .query_row("SELECT id FROM images WHERE run_id = ?1 AND resource = ?2", [run_id, resource], |r| r.get(0))
            .optional()
            .map_err(EngineError::sql)
    }

    /// Records a saved image; returns its id. Saving the same resource twice returns the first id.
    pub fn insert_image(&self, image: &NewImage<'_>) -> Result<i64, EngineError> {
        self.conn
            .execute(
                "INSERT INTO images (run_id, job_id, resource, node_id, path, width, height, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (run_id, resource) DO NOTHING",
                params![
                    image.run_id,
                    image.job_id,
                    image.resource,
                    image.node_id,
                    image.path,
                    image.width,
                    image.height,
                    unix_now()
                ],
            )
            .map_err(EngineError::sql)?;
        self.image_id(image.run_id, image.resource)?
            .ok_or_else(|| EngineError::Store("image row vanished right after insert".into()))
    }

    /// Path of a saved image by id.
    pub fn image_path(&self, id: i64) -> Result<Option<String>, EngineError> {
        self.conn
            .query_row("SELECT path FROM images WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .map_err(EngineError::sql)
    }
}

const RUN_COLUMNS: &str =
    "run_id, request_id, job_id, status, name, workflow, editor, created_at, kind, uploads, owner, heartbeat";

fn run_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        run_id: r.get(0)?,
        request_id: r.get(1)?,
        job_id: r.get(2)?,
        status: r.get(3)?,
        name: r.get(4)?,
        workflow: r.get(5)?,
        editor: r.get(6)?,
        created_at: r.get(7)?,
        kind: RunKind::from_column(&r.get::<_, String>(8)?),
        uploads: r.get(9)?,
        owner: r.get(10)?,
        heartbeat: r.get(11)?,
    })
}

/// A run about to be submitted.
#[derive(Debug)]
pub struct NewRun<'a> {
    /// Easel's run id.
    pub run_id: &'a str,
    /// The requestId that will be sent.
    pub request_id: &'a str,
    /// A name for people.
    pub name: &'a str,
    /// The backend's label (`easel_tams::endpoint_label`), never its configured URL.
    pub backend: &'a str,
    /// The TAMS params JSON as sent.
    pub workflow: &'a str,
    /// The seeds sent, `{nodeId: {input: seed}}`.
    pub seeds: &'a str,
    /// The editor workflow JSON, when known.
    pub editor: Option<&'a str>,
    /// Graph or template run.
    pub kind: RunKind,
    /// The local files it uploaded (JSON list), when any.
    pub uploads: Option<&'a str>,
    /// Credits the service estimated for it.
    pub estimate: Option<f64>,
}

/// An image whose file is in place.
#[derive(Debug)]
pub struct NewImage<'a> {
    /// Its run.
    pub run_id: &'a str,
    /// Its job.
    pub job_id: &'a str,
    /// The service's id for it (resource id or URL path), unique within the run.
    pub resource: &'a str,
    /// Output node.
    pub node_id: &'a str,
    /// Absolute file path.
    pub path: &'a str,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// A graph run of the name `wf` on backend `b`, for the journal's unit tests.
#[cfg(test)]
pub(crate) fn test_run<'a>(run_id: &'a str, workflow: &'a str, estimate: f64) -> NewRun<'a> {
    NewRun {
        run_id,
        request_id: run_id,
        name: "wf",
        backend: "b",
        workflow,
        seeds: "{}",
        editor: None,
        kind: RunKind::Graph,
        uploads: None,
        estimate: Some(estimate),
    }
}

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::schema::{Step, MIGRATIONS};
    use super::*;
    use crate::HistoryFilter;

    /// Runs the first `steps` migrations on a bare connection, as an older Easel left it.
    fn migrate_to(conn: &Connection, steps: usize) {
        for step in &MIGRATIONS[..steps] {
            match step {
                Step::Sql(sql) => conn.execute_batch(sql).unwrap(),
                Step::Rust(run) => run(conn).unwrap(),
            }
        }
        conn.pragma_update(None, "user_version", steps).unwrap();
    }

    #[test]
    fn a_version_four_journal_records_backends_by_label_and_still_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        let conn = Connection::open(&path).unwrap();
        migrate_to(&conn, 4);
        conn.execute_batch(
            "INSERT INTO runs (run_id, request_id, name, backend, workflow, status, created_at, updated_at) VALUES
               ('a', 'q1', 'n', 'http://127.0.0.1:4000/?proxy_token=qsecret42', '{}', 'submitted', 1, 1),
               ('b', 'q2', 'n', 'https://u:pw@tams.example/base#x', '{}', 'queued', 2, 2);
             INSERT INTO uploads VALUES ('http://127.0.0.1:4000/?proxy_token=qsecret42', 'h', 'r-old', 1, 1),
                                        ('http://127.0.0.1:4000', 'h', 'r-new', 1, 2);
             INSERT INTO models VALUES ('http://127.0.0.1:4000/x?t=qsecret42', '7', NULL, 1);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let resumed: Vec<String> =
            store.unfinished_runs("http://127.0.0.1:4000").unwrap().into_iter().map(|r| r.run_id).collect();
        assert_eq!(resumed, ["a"]);
        assert_eq!(store.unfinished_runs("https://tams.example").unwrap().len(), 1);
        let backends: Vec<String> = store
            .conn
            .prepare(
                "SELECT backend FROM runs UNION ALL SELECT backend FROM uploads UNION ALL SELECT backend FROM models",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(backends.len(), 4, "the two upload rows for one backend became one: {backends:?}");
        assert!(backends.iter().all(|b| !b.contains("qsecret42") && !b.contains("pw@")), "{backends:?}");
        let version: usize = store.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }

    #[test]
    fn a_version_six_journal_gains_history_columns_and_search() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        let conn = Connection::open(&path).unwrap();
        migrate_to(&conn, 6);
        conn.execute_batch(
            "INSERT INTO runs (run_id, request_id, name, backend, workflow, status, credits, created_at, updated_at) VALUES
               ('old', 'q1', 'portrait', 'b', '{\"6\":{\"classType\":\"T\",\"inputs\":{\"text\":\"a lighthouse\"}}}', 'succeeded', 2.4, 10, 20),
               ('torn', 'q2', 'portrait', 'b', '{not json', 'queued', NULL, 30, 30);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let found = |text: &str| {
            let filter = HistoryFilter { text: Some(text.into()), ..HistoryFilter::default() };
            store.history(&filter, None, 10).unwrap().runs.into_iter().map(|r| r.run_id).collect::<Vec<_>>()
        };
        assert_eq!(found("lighthouse"), ["old"]);
        assert_eq!(found("portrait"), ["torn", "old"], "a row whose document is torn is still found by name");
        let old = store.history(&HistoryFilter::default(), None, 10).unwrap().runs.pop().unwrap();
        assert_eq!((old.ended_at, old.credits, old.estimate), (Some(20), Some(2.4), None));
    }

    #[test]
    fn many_first_opens_at_once_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Store::open(&path).map(|_| ()))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap().unwrap();
        }
    }

    #[test]
    fn a_version_two_journal_gains_kinds_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        let conn = Connection::open(&path).unwrap();
        migrate_to(&conn, 2);
        conn.execute_batch(
            "PRAGMA user_version = 2;
             INSERT INTO runs (run_id, request_id, name, backend, workflow, status, created_at, updated_at) VALUES
               ('g', 'q1', 'n', 'b', '{\"3\":{\"classType\":\"KSampler\"}}', 'queued', 1, 1),
               ('t', 'q2', 'n', 'b', '{\"templateId\":\"67\",\"fields\":[]}', 'queued', 2, 2);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let kinds: Vec<RunKind> = store.unfinished_runs("b").unwrap().into_iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RunKind::Graph, RunKind::Template]);
    }

    #[test]
    fn migrates_once_and_saves_images_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        let store = Store::open(&path).unwrap();
        store.insert_runs(&[test_run("r1", "{}", 2.4)], None).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.run("r1").unwrap().unwrap().status, "queued");
        assert_eq!(store.unfinished_runs("b").unwrap().len(), 1);
        assert!(store.unfinished_runs("other").unwrap().is_empty());
        let image = NewImage {
            run_id: "r1",
            job_id: "j",
            resource: "res-1",
            node_id: "9",
            path: "/x.png",
            width: 8,
            height: 8,
        };
        let first = store.insert_image(&image).unwrap();
        assert_eq!(store.insert_image(&image).unwrap(), first);
        assert_eq!(store.image_path(first).unwrap().as_deref(), Some("/x.png"));
    }
}
