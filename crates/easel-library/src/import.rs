//! Importing a folder of PNGs (ComfyUI or A1111 output folders, Tensor.Art downloads, or the
//! library folder itself to rebuild the index). Files are indexed where they are, never copied.
//! Several threads read and hash files while this thread writes batches in one transaction
//! each; files already indexed with the same size and time are skipped unread, so re-importing
//! is cheap. Bad files are reported, never fatal. Thumbnails are not made while importing, so a
//! 100,000-file import is not held up by pixels: once indexed, the background walk (`backfill`)
//! makes them newest first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DbStep, LibraryError};
use crate::index::{NewImage, Upserted};
use crate::ingest::{read_file, stored_path};
use crate::inside::readable;
use crate::thumbnail::thumbnail_path;
use crate::{ImageId, Library};

/// Rows written per transaction: large enough that commits are not the cost, small enough that
/// readers see progress.
const BATCH: usize = 500;

/// Where an import stands; reported after every batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    /// PNG files found.
    pub total: u32,
    /// Files handled so far.
    pub done: u32,
    /// New images indexed.
    pub added: u32,
    /// Files already indexed (unchanged, or moved and recognised by content).
    pub known: u32,
    /// Files that could not be read, with the reason, in the order met.
    pub failed: Vec<String>,
}

impl Library {
    /// Indexes every `.png` under `folder` (hidden folders skipped); `progress` is called after
    /// each batch and at the end. Returns the final counts.
    pub fn import_folder(
        &self,
        folder: &Path,
        progress: &mut dyn FnMut(&ImportProgress),
    ) -> Result<ImportProgress, LibraryError> {
        let folder = self.absolute(folder)?;
        let mut files = Vec::new();
        collect_pngs(&folder, &mut files)?;
        files.sort();
        let mut report = ImportProgress { total: files.len() as u32, ..ImportProgress::default() };
        progress(&report);
        let seen = self.file_stamps()?;
        let (todo, unchanged): (Vec<_>, Vec<_>) = files.into_iter().partition(|p| !self.unchanged(&seen, p));
        report.known += unchanged.len() as u32;
        report.done += unchanged.len() as u32;
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let next = AtomicUsize::new(0);
        let (sender, receiver) = sync_channel::<Result<NewImage, LibraryError>>(BATCH * 2);
        std::thread::scope(|scope| -> Result<(), LibraryError> {
            for _ in 0..threads {
                let (sender, next, todo) = (sender.clone(), &next, &todo);
                scope.spawn(move || {
                    while let Some(path) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if sender.send(read_file(self.root(), path)).is_err() {
                            return; // the writer stopped on an error; nothing left to do
                        }
                    }
                });
            }
            drop(sender);
            let mut batch = Vec::with_capacity(BATCH);
            for result in receiver.iter() {
                match result {
                    Ok(image) => batch.push(image),
                    Err(e) => {
                        report.failed.push(e.to_string());
                        report.done += 1;
                    }
                }
                if batch.len() >= BATCH {
                    self.write_batch(&mut batch, &mut report)?;
                    progress(&report);
                }
            }
            self.write_batch(&mut batch, &mut report)
        })?;
        // Thumbnails after the whole folder is indexed, newest first, so the grid the gallery
        // opens on is the first made (not the folder's alphabetical first).
        self.backfill_thumbnails();
        progress(&report);
        Ok(report)
    }

    /// Rebuilds the index from the library folder itself (after loss or corruption).
    pub fn rescan(&self, progress: &mut dyn FnMut(&ImportProgress)) -> Result<ImportProgress, LibraryError> {
        let root = self.root().to_path_buf();
        let report = self.import_folder(&root, progress)?;
        let marker = root.join(crate::schema::REBUILD_MARKER);
        match std::fs::remove_file(&marker) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(LibraryError::io(&marker, e)),
            _ => Ok(report),
        }
    }

    /// Queues background thumbnails for these images (e.g. the page being shown and the next).
    pub fn queue_thumbnails(&self, ids: &[ImageId]) -> Result<(), LibraryError> {
        let conn = self.reader()?;
        let mut stmt =
            conn.prepare_cached("SELECT hash, path FROM images WHERE id = ?1").step("read image for thumbnail")?;
        for id in ids {
            let (hash, path): (String, String) =
                stmt.query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?))).step("read image for thumbnail")?;
            // A row with a hash or path the index did not write gets no thumbnail (see `inside`).
            if let (Ok(thumb), Ok(source)) = (thumbnail_path(self.root(), &hash), readable(self.root(), &path)) {
                if !thumb.exists() {
                    self.queue_thumbnail(&hash, source);
                }
            }
        }
        Ok(())
    }

    fn write_batch(&self, batch: &mut Vec<NewImage>, report: &mut ImportProgress) -> Result<(), LibraryError> {
        for outcome in self.add_batch(batch)? {
            match outcome {
                Upserted::Added(_) | Upserted::Replaced(_) => report.added += 1,
                Upserted::Known(_) => report.known += 1,
            }
        }
        report.done += batch.len() as u32;
        batch.clear();
        Ok(())
    }

    /// Stored path -> (file size, modified ms) of every indexed image.
    fn file_stamps(&self) -> Result<HashMap<String, (i64, i64)>, LibraryError> {
        let conn = self.reader()?;
        let mut stmt = conn.prepare("SELECT path, file_size, modified FROM images").step("read file stamps")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))).step("read file stamps")?;
        rows.collect::<Result<_, _>>().step("read file stamps")
    }

    fn unchanged(&self, seen: &HashMap<String, (i64, i64)>, path: &Path) -> bool {
        let Some(&(size, modified)) = seen.get(&stored_path(self.root(), path)) else { return false };
        let Ok(meta) = std::fs::metadata(path) else { return false };
        let now = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        meta.len() as i64 == size && now.map(|d| d.as_millis() as i64) == Some(modified)
    }
}

/// Every `*.png` (any case) under `dir`, not following symlinked folders and skipping hidden
/// ones (`.thumbs`, `.trash`, `.git`...).
fn collect_pngs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LibraryError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LibraryError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LibraryError::io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(|e| LibraryError::io(&entry.path(), e))?;
        if kind.is_dir() {
            collect_pngs(&entry.path(), out)?;
        } else if kind.is_file() && name.to_ascii_lowercase().ends_with(".png") {
            out.push(entry.path());
        }
    }
    Ok(())
}
