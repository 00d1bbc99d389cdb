//! The index's own SQLite file, `<library>/library.sqlite`: connection settings (WAL, foreign
//! keys, a busy timeout so the reader and the writer never fail on each other) and the schema as
//! numbered migrations recorded in `user_version`. Everything here is derived from the PNG files,
//! so a lost or corrupt index is rebuilt by importing the library folder again.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use crate::error::{DbStep, LibraryError};
use crate::library::Recovered;

/// Schema steps, applied in order; `user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL UNIQUE,
    hash          TEXT NOT NULL,
    file_size     INTEGER NOT NULL,
    modified      INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    source        TEXT NOT NULL,
    run_id        TEXT,
    job_id        TEXT,
    node_id       TEXT,
    workflow      TEXT,
    seed          INTEGER,
    prompt        TEXT NOT NULL DEFAULT '',
    negative      TEXT NOT NULL DEFAULT '',
    classes       TEXT NOT NULL DEFAULT '',
    favourite     INTEGER NOT NULL DEFAULT 0,
    trashed_at    INTEGER,
    trash_path    TEXT
);
CREATE INDEX images_by_time ON images(created_at DESC, id DESC) WHERE trashed_at IS NULL;
CREATE INDEX images_favourites ON images(created_at DESC, id DESC) WHERE favourite = 1 AND trashed_at IS NULL;
CREATE INDEX images_by_pixels ON images((width * height) DESC, id DESC) WHERE trashed_at IS NULL;
CREATE INDEX images_by_hash ON images(hash);
CREATE INDEX images_by_workflow ON images(workflow, created_at DESC);
CREATE INDEX images_trashed ON images(trashed_at) WHERE trashed_at IS NOT NULL;
CREATE TABLE models (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL,
    ident TEXT NOT NULL,
    name  TEXT NOT NULL,
    UNIQUE (kind, ident)
);
CREATE TABLE image_models (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES models(id),
    PRIMARY KEY (image_id, model_id)
) WITHOUT ROWID;
CREATE INDEX image_models_by_model ON image_models(model_id, image_id);
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE image_tags (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (image_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX image_tags_by_tag ON image_tags(tag_id, image_id);
CREATE VIRTUAL TABLE image_text USING fts5(
    prompt, negative, models, classes, tags, workflow,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
",
    "
-- Image ids are never reused: the window caches `easel://…/image/<id>` and `/thumb/<id>` as
-- immutable, so a new image must not take the id of a deleted one (SQLite would hand out
-- max(id) + 1 again after the newest row is deleted). `write_row` numbers new rows above `high`.
CREATE TABLE id_floor (high INTEGER NOT NULL);
INSERT INTO id_floor SELECT IFNULL(MAX(id), 0) FROM images;
CREATE TRIGGER images_keep_ids AFTER DELETE ON images BEGIN
    UPDATE id_floor SET high = MAX(high, OLD.id);
END;
",
    "
-- Sweeps: the sweep an image belongs to (from its `easel` chunk) and whether it is the sweep's
-- grid; the gallery stacks a sweep's cells behind its grid. And the backend that made it (its
-- `easel` chunk's label: `offline-demo`, a Tensor.Art endpoint, `comfyui+<url>`).
ALTER TABLE images ADD COLUMN backend TEXT;
ALTER TABLE images ADD COLUMN sweep_id TEXT;
ALTER TABLE images ADD COLUMN sweep_grid INTEGER NOT NULL DEFAULT 0;
CREATE INDEX images_by_sweep ON images(sweep_id, sweep_grid) WHERE sweep_id IS NOT NULL;
",
];

/// Opens (creating if needed) the index at `path` and brings its schema up to date. Two cheap
/// reads then touch the schema pages and the image table's b-tree, so a damaged file is found here
/// (and rebuilt, see `is_corrupt`) rather than by the first gallery query.
pub(crate) fn open(path: &Path) -> Result<Connection, LibraryError> {
    let conn = Connection::open(path).step("open library.sqlite")?;
    configure(&conn)?;
    migrate(&conn)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).step("read the schema")?;
    conn.query_row("SELECT IFNULL(MAX(id), 0) FROM images", [], |r| r.get::<_, i64>(0)).step("read the images")?;
    Ok(conn)
}

/// Present in the library folder from an index's replacement until its rescan finished.
pub(crate) const REBUILD_MARKER: &str = "library.sqlite.rebuilding";

/// True when SQLite says the file is not a database or is damaged: the cases a rebuild fixes.
/// Anything else (a locked file, a full disk, a newer schema) is reported, never "repaired".
pub(crate) fn is_corrupt(error: &LibraryError) -> bool {
    matches!(
        error,
        LibraryError::Db { source: rusqlite::Error::SqliteFailure(e, _), .. }
            if matches!(e.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Moves an unreadable index (and its WAL) aside to `library.sqlite.corrupt-<ms>`, never deleting
/// it: it is the only copy of tags and favourites. The shared-memory file is rebuilt by SQLite.
pub(crate) fn set_aside(index: &Path, error: &LibraryError) -> Result<Recovered, LibraryError> {
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    let name = index.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let moved_to = index.with_file_name(format!("{name}.corrupt-{stamp}"));
    std::fs::rename(index, &moved_to).map_err(|e| LibraryError::io(index, e))?;
    for (suffix, keep) in [("-wal", true), ("-shm", false)] {
        let side = index.with_file_name(format!("{name}{suffix}"));
        let result = if keep {
            std::fs::rename(&side, moved_to.with_file_name(format!("{name}.corrupt-{stamp}{suffix}")))
        } else {
            std::fs::remove_file(&side)
        };
        match result {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(LibraryError::io(&side, e)),
            _ => {}
        }
    }
    // The marker makes the rebuild survive an exit before it finishes (see `Library::needs_rescan`).
    let marker = index.with_file_name(REBUILD_MARKER);
    std::fs::write(&marker, moved_to.to_string_lossy().as_bytes()).map_err(|e| LibraryError::io(&marker, e))?;
    eprintln!(
        "easel: the library index {} was unreadable ({error}); moved aside to {}",
        index.display(),
        moved_to.display()
    );
    Ok(Recovered { moved_to, reason: error.to_string() })
}

/// After a rebuild the old ids are unknown, yet the window may still cache pictures under them:
/// number the new index's images from the current time in milliseconds, above any id handed out
/// before (an index gains far fewer than 1,000 images a second).
pub(crate) fn raise_id_floor(conn: &Connection) -> Result<(), LibraryError> {
    let floor = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default();
    conn.execute("UPDATE id_floor SET high = MAX(high, ?1)", [floor]).step("raise the id floor").map(|_| ())
}

/// Opens a second connection for reads; WAL lets it read while the writer writes.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, LibraryError> {
    let conn = Connection::open(path).step("open library.sqlite for reading")?;
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), LibraryError> {
    conn.busy_timeout(Duration::from_secs(10)).step("set busy timeout")?;
    set_wal(conn).step("switch to WAL")?;
    // NORMAL is durable under WAL except for the last commits on power loss, and the index is
    // rebuildable from the files, so the fsync per commit of FULL buys nothing here.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;",
    )
    .step("configure connection")
}

/// How often switching a new database to WAL is tried while other processes hold it.
const WAL_ATTEMPTS: u32 = 50;

/// Puts the database in WAL mode. Several processes opening a new file at once race for the
/// exclusive lock this needs, and SQLite answers "database is locked" at once, without waiting
/// on the busy timeout (it would risk a deadlock); so the switch is retried a bounded number of
/// times, with a growing pause (at most about 9 s in all). A database already in WAL needs no lock.
pub fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && attempt < WAL_ATTEMPTS =>
            {
                std::thread::sleep(Duration::from_millis(u64::from(attempt * 20).min(200)));
            }
            Err(e) => return Err(e),
        }
    }
}

fn migrate(conn: &Connection) -> Result<(), LibraryError> {
    // The write lock first, then the version: several processes opening a new library at once
    // wait for each other here, and each finds the steps the first one already ran.
    conn.execute_batch("BEGIN IMMEDIATE").step("lock the schema")?;
    let result = migrate_locked(conn);
    let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute_batch(end).step("finish the schema change");
    result.and(ended)
}

fn migrate_locked(conn: &Connection) -> Result<(), LibraryError> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).step("read user_version")?;
    if done > MIGRATIONS.len() {
        return Err(LibraryError::Invalid(format!(
            "library.sqlite has schema version {done}, newer than this Easel knows ({}); update Easel",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        conn.execute_batch(&format!("{sql}; PRAGMA user_version = {};", i + 1)).step("migrate schema")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_first_opens_at_once_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || open(&path).map(|_| ()))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap().unwrap();
        }
    }

    #[test]
    fn migrates_once_and_has_fts5() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        drop(open(&path).unwrap());
        let conn = open(&path).unwrap();
        let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        conn.execute("INSERT INTO image_text(rowid, prompt) VALUES (1, 'a red fox')", []).unwrap();
        let hit: i64 =
            conn.query_row("SELECT rowid FROM image_text WHERE image_text MATCH 'fox'", [], |r| r.get(0)).unwrap();
        assert_eq!(hit, 1);
    }
}
