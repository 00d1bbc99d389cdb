//! `Library`: one library folder and its index. It opens (or creates) `library.sqlite`, adds
//! files (saved by the engine or found on disk), hands out image records, paths and thumbnails.
//! Queries, actions, trash, import and export are further `impl Library` blocks in their own
//! modules. It is `Send + Sync`: share it in an `Arc`; one writer and two reader connections,
//! each behind a mutex, so reads never wait on a long import transaction (WAL), and the slow
//! counts (a query's count, facets, totals: up to ~300 ms at 100,000 images) never hold up a page
//! or a thumbnail's lookup.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{DbStep, LibraryError};
use crate::index::{upsert, NewImage, Upserted};
use crate::ingest::{apply_facts, read_file, resolve};
use crate::inside::{readable, trash_file};
use crate::pool::{LazyGate, ThumbnailPool};
use crate::thumbnail::thumbnail_path;
use crate::{schema, ImageFacts, ImageId};

/// The index file's name inside the library folder.
pub const INDEX_FILE: &str = "library.sqlite";

/// A library folder and its gallery index.
pub struct Library {
    root: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// For counting only: a query's count (`query.rs`) and `counts.rs`'s totals.
    totals: Mutex<Connection>,
    thumbnails: ThumbnailPool,
    lazy: LazyGate,
    /// Set while the background walk that makes missing thumbnails runs (`backfill`).
    backfilling: Arc<AtomicBool>,
    recovered: Option<Recovered>,
}

/// An index found unreadable at open: it was moved aside and a new, empty one made. The images
/// are all still in the folder; `rescan` indexes them again. Tags, favourites and the trash
/// state lived only in the old file, which stays for a person (or a tool) to recover them from.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// Where the unreadable index now is.
    pub moved_to: PathBuf,
    /// What SQLite said about it.
    pub reason: String,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("root", &self.root).finish_non_exhaustive()
    }
}

impl Library {
    /// Opens the library at `root` (created if missing) with one thumbnail worker per core.
    pub fn open(root: &Path) -> Result<Library, LibraryError> {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Library::open_with_threads(root, threads)
    }

    /// Opens the library with `threads` thumbnail workers.
    pub fn open_with_threads(root: &Path, threads: usize) -> Result<Library, LibraryError> {
        std::fs::create_dir_all(root).map_err(|e| LibraryError::io(root, e))?;
        // Canonical, so paths under it are recognised as inside however the caller spelled it.
        let root = root.canonicalize().map_err(|e| LibraryError::io(root, e))?;
        let index = root.join(INDEX_FILE);
        let ((writer, reader, totals), recovered) = match open_index(&index) {
            Ok(connections) => (connections, None),
            Err(e) if schema::is_corrupt(&e) => {
                let recovered = schema::set_aside(&index, &e)?;
                let connections = open_index(&index)?;
                schema::raise_id_floor(&connections.0)?;
                (connections, Some(recovered))
            }
            Err(e) => return Err(e),
        };
        Ok(Library {
            root,
            recovered,
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            totals: Mutex::new(totals),
            thumbnails: ThumbnailPool::new(threads),
            lazy: LazyGate::new(threads),
            backfilling: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Set when the index was unreadable at open and was replaced by a new one (see `Recovered`):
    /// the caller should `rescan` and tell the person.
    pub fn recovered(&self) -> Option<&Recovered> {
        self.recovered.as_ref()
    }

    /// True from an index's replacement until a `rescan` finished, across restarts: the index
    /// does not yet list every image in the folder.
    pub fn needs_rescan(&self) -> bool {
        self.root.join(schema::REBUILD_MARKER).exists()
    }

    /// The library folder (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Indexes a PNG the engine has just saved and queues its thumbnail. Idempotent: the same
    /// path (or the same content moved elsewhere) returns the same id.
    pub fn add_saved(&self, path: &Path, facts: &ImageFacts) -> Result<ImageId, LibraryError> {
        let mut image = read_file(&self.root, &self.absolute(path)?)?;
        apply_facts(&mut image, facts);
        self.add(image)
    }

    /// Indexes any PNG file (with or without metadata) and queues its thumbnail.
    pub fn add_file(&self, path: &Path) -> Result<ImageId, LibraryError> {
        let image = read_file(&self.root, &self.absolute(path)?)?;
        self.add(image)
    }

    fn add(&self, image: NewImage) -> Result<ImageId, LibraryError> {
        let outcome = {
            let conn = self.writer()?;
            upsert(&conn, &image, |stored| resolve(&self.root, stored).exists())?
        };
        self.queue_thumbnail(&image.hash, resolve(&self.root, &image.path));
        Ok(outcome.id())
    }

    /// Indexes a batch in one transaction (the importer's path); returns each outcome in order.
    pub(crate) fn add_batch(&self, images: &[NewImage]) -> Result<Vec<Upserted>, LibraryError> {
        let mut conn = self.writer()?;
        let tx = conn.transaction().step("begin batch")?;
        let mut out = Vec::with_capacity(images.len());
        for image in images {
            out.push(upsert(&tx, image, |stored| resolve(&self.root, stored).exists())?);
        }
        tx.commit().step("commit batch")?;
        Ok(out)
    }

    /// The absolute path of an image's file (in the library trash while it is there).
    pub fn image_path(&self, id: ImageId) -> Result<PathBuf, LibraryError> {
        let (path, trash): (String, Option<String>) = self
            .reader()?
            .query_row("SELECT path, trash_path FROM images WHERE id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .step("read image path")?
            .ok_or(LibraryError::NotFound(id.0))?;
        match trash {
            Some(trash) => trash_file(&self.root, &trash),
            None => readable(&self.root, &path),
        }
    }

    /// The gallery id of each image at `paths`, when the index holds it outside the trash (one
    /// reader lock and one prepared statement for a whole History page).
    pub fn ids_of<P: AsRef<Path>>(&self, paths: &[P]) -> Result<Vec<Option<ImageId>>, LibraryError> {
        let reader = self.reader()?;
        let mut stmt = reader
            .prepare_cached("SELECT id FROM images WHERE path = ?1 AND trashed_at IS NULL")
            .step("find images by path")?;
        paths
            .iter()
            .map(|path| {
                let stored = crate::ingest::stored_path(&self.root, path.as_ref());
                stmt.query_row([stored], |r| r.get(0)).optional().step("find image by path").map(|id| id.map(ImageId))
            })
            .collect()
    }

    /// The path of an image's thumbnail, making it now if it is not cached yet (lazy path).
    pub fn thumbnail(&self, id: ImageId) -> Result<PathBuf, LibraryError> {
        let hash: String = self
            .reader()?
            .query_row("SELECT hash FROM images WHERE id = ?1", [id.0], |r| r.get(0))
            .optional()
            .step("read image hash")?
            .ok_or(LibraryError::NotFound(id.0))?;
        let dest = thumbnail_path(&self.root, &hash)?;
        if !dest.exists() {
            self.lazy.make(&hash, &self.image_path(id)?, &dest)?;
        }
        Ok(dest)
    }

    /// Makes every missing thumbnail in the background, newest first (see `backfill`); returns at
    /// once. A walk already under way is not started twice. The app calls it when it opens a
    /// library; a folder import calls it when it has indexed its files.
    pub fn backfill_thumbnails(&self) {
        if let Some(feeder) = self.thumbnails.feeder() {
            crate::backfill::start(self.root.clone(), feeder, &self.backfilling);
        }
    }

    /// Waits (at most `timeout`) until the background walk ended and the thumbnail workers have
    /// nothing left; false on timeout.
    pub fn wait_for_thumbnails(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        // The walk feeds the pool a few jobs at a time, so the pool alone can look idle between
        // two of them; it is only done once the walk has ended. Polled: the walk ends once.
        while self.backfilling.load(std::sync::atomic::Ordering::Acquire) {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.thumbnails.wait_idle(deadline.saturating_duration_since(std::time::Instant::now()))
    }

    /// Thumbnails the workers made and failed to make since the library was opened.
    pub fn thumbnail_counts(&self) -> (u64, u64) {
        self.thumbnails.counts()
    }

    pub(crate) fn queue_thumbnail(&self, hash: &str, source: PathBuf) {
        // Hashes come from `read_file`, so this only refuses what the index did not write.
        if let Ok(dest) = thumbnail_path(&self.root, hash) {
            if !dest.exists() {
                self.thumbnails.request(hash, source, dest);
            }
        }
    }

    pub(crate) fn absolute(&self, path: &Path) -> Result<PathBuf, LibraryError> {
        path.canonicalize().map_err(|e| LibraryError::io(path, e))
    }

    pub(crate) fn writer(&self) -> Result<MutexGuard<'_, Connection>, LibraryError> {
        self.writer.lock().map_err(|_| LibraryError::Invalid("the library's writer was poisoned by a panic".into()))
    }

    pub(crate) fn reader(&self) -> Result<MutexGuard<'_, Connection>, LibraryError> {
        self.reader.lock().map_err(|_| LibraryError::Invalid("the library's reader was poisoned by a panic".into()))
    }

    /// The connection for counting, so counts never queue pages and thumbnails.
    pub(crate) fn totals_reader(&self) -> Result<MutexGuard<'_, Connection>, LibraryError> {
        self.totals
            .lock()
            .map_err(|_| LibraryError::Invalid("the library's totals reader was poisoned by a panic".into()))
    }

    /// The absolute path for a stored path, as a string for the UI.
    pub(crate) fn display_path(&self, stored: &str) -> String {
        resolve(&self.root, stored).to_string_lossy().to_string()
    }
}

fn open_index(index: &Path) -> Result<(Connection, Connection, Connection), LibraryError> {
    let writer = schema::open(index)?;
    let reader = schema::open_reader(index)?;
    let totals = schema::open_reader(index)?;
    Ok((writer, reader, totals))
}
