//! Thumbnails for images already in the index, made in the background newest first (the order
//! the gallery opens on), so its first grid finds them made instead of decoding on demand. One
//! thread walks the index with its own read connection in keyset pages and feeds the thumbnail
//! pool a few jobs ahead of its workers, so memory stays bounded at any library size; it ends
//! when every image was looked at or when the library closes. Images made since it started were
//! queued by `add` already. Leaves out the order of the rest (lazy on view) and retries (a
//! failed thumbnail is retried when the window asks for it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::inside::readable;
use crate::pool::Feeder;
use crate::thumbnail::thumbnail_path;
use crate::{schema, INDEX_FILE};

/// Rows read per page of the walk.
const PAGE: i64 = 256;
/// Jobs the walk keeps queued ahead of the workers: enough to keep them busy, few enough that a
/// thumbnail the window asks for is not queued behind thousands.
const AHEAD: usize = 16;

/// Starts the walk unless one is running for this library (`running` is the library's flag).
pub(crate) fn start(root: PathBuf, feeder: Feeder, running: &Arc<AtomicBool>) {
    if running.swap(true, Ordering::AcqRel) {
        return;
    }
    let flag = Arc::clone(running);
    let spawned = std::thread::Builder::new().name("easel-thumbnail-backfill".into()).spawn(move || {
        if let Err(e) = walk(&root, &feeder) {
            eprintln!("easel-library: background thumbnails stopped: {e}");
        }
        flag.store(false, Ordering::Release);
    });
    if let Err(e) = spawned {
        eprintln!("easel-library: cannot start background thumbnails: {e}");
        running.store(false, Ordering::Release);
    }
}

/// Pages through the images newest first and queues those without a thumbnail.
fn walk(root: &std::path::Path, feeder: &Feeder) -> Result<(), crate::LibraryError> {
    use crate::error::DbStep;
    let conn = schema::open_reader(&root.join(INDEX_FILE))?;
    let mut stmt = conn
        .prepare(
            "SELECT id, hash, path, created_at FROM images WHERE trashed_at IS NULL
             AND (created_at, id) < (?1, ?2) ORDER BY created_at DESC, id DESC LIMIT ?3",
        )
        .step("read images for background thumbnails")?;
    let mut after = (i64::MAX, i64::MAX);
    // Every page moves the keyset strictly down, so the walk ends after at most rows/PAGE pages.
    loop {
        let rows: Vec<(i64, String, String, i64)> = stmt
            .query_map(rusqlite::params![after.0, after.1, PAGE], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .step("read images for background thumbnails")?
            .collect::<Result<_, _>>()
            .step("read image row for background thumbnails")?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = (last.3, last.0);
        for (_, hash, path, _) in rows {
            if feeder.stopping() {
                return Ok(());
            }
            // A row with a hash or path the index did not write gets no thumbnail (see `inside`).
            let (Ok(dest), Ok(source)) = (thumbnail_path(root, &hash), readable(root, &path)) else { continue };
            if dest.exists() {
                continue;
            }
            if !feeder.wait_below(AHEAD) || !feeder.request(&hash, source, dest) {
                return Ok(());
            }
        }
    }
}
