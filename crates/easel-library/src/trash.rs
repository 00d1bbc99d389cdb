//! The library's own trash, which makes delete undoable: a deleted image's file moves to
//! `<library>/.trash/` and its row is only marked, so `restore` puts both back exactly (tags and
//! favourite included). Emptying sends the files on to the desktop trash (`os_trash`), never
//! straight to oblivion, and only then drops the rows and unshared thumbnails. Every path and
//! hash the rows hold passes `inside` first: files inside the library move; a file imported in
//! place stays where it is (its row is only hidden, then forgotten), and a row pointing anywhere
//! else is refused by image id.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DbStep, LibraryError};
use crate::ingest::stored_path;
use crate::inside::{place, readable, trash_dir, trash_file, Place};
use crate::os_trash::{home_trash, move_file, send_to_trash};
use crate::thumbnail::thumbnail_path;
use crate::{index, ImageId, Library};

/// What emptying the trash did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmptiedTrash {
    /// Images whose files went to the desktop trash (or were already gone) and left the index.
    pub removed: u32,
    /// Images that stayed in the library trash, with why.
    pub failed: Vec<String>,
}

impl Library {
    /// Moves images to the library trash (undo with `restore`). Returns the ids trashed.
    pub fn trash(&self, ids: &[ImageId]) -> Result<Vec<ImageId>, LibraryError> {
        let trash_dir = trash_dir(self.root())?;
        std::fs::create_dir_all(&trash_dir).map_err(|e| LibraryError::io(&trash_dir, e))?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default();
        let conn = self.writer()?;
        let mut done = Vec::new();
        for id in ids {
            let row: Option<(String, Option<i64>)> = conn
                .query_row("SELECT path, trashed_at FROM images WHERE id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .step("read image to trash")?;
            let (path, trashed) = row.ok_or(LibraryError::NotFound(id.0))?;
            if trashed.is_some() {
                continue;
            }
            let trash_path = match place(self.root(), &path)? {
                Place::Inside(from) if from.exists() => {
                    let name = from.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                    let to = trash_dir.join(format!("{}-{name}", id.0));
                    move_file(&from, &to)?;
                    Some(stored_path(self.root(), &to))
                }
                // Already gone from disk, or imported in place (never moved by Easel): trashing
                // just hides the row.
                Place::Inside(_) | Place::Outside(_) => None,
            };
            conn.execute(
                "UPDATE images SET trashed_at = ?1, trash_path = ?2 WHERE id = ?3",
                params![now, trash_path, id.0],
            )
            .step("mark image trashed")?;
            done.push(*id);
        }
        Ok(done)
    }

    /// Undoes `trash`: files go back to their paths and the images reappear in the gallery.
    pub fn restore(&self, ids: &[ImageId]) -> Result<(), LibraryError> {
        let conn = self.writer()?;
        for id in ids {
            let row: Option<(String, Option<String>)> = conn
                .query_row(
                    "SELECT path, trash_path FROM images WHERE id = ?1 AND trashed_at IS NOT NULL",
                    [id.0],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .step("read trashed image")?;
            let (path, trash_path) = row.ok_or(LibraryError::NotFound(id.0))?;
            if let Some(trash_path) = trash_path {
                let from = trash_file(self.root(), &trash_path)?;
                // Only a path inside the library is written to: a row naming an outside path with a
                // file in the trash would otherwise let a shared index place any file anywhere.
                let to = match place(self.root(), &path)? {
                    Place::Inside(to) => to,
                    Place::Outside(to) => {
                        return Err(LibraryError::UnsafePath {
                            path: to.to_string_lossy().to_string(),
                            reason: format!(
                                "is outside the library; image {} stays in {}, move it back by hand",
                                id.0,
                                from.display()
                            ),
                        })
                    }
                };
                if to.exists() {
                    return Err(LibraryError::Invalid(format!(
                        "cannot restore image {}: a file already exists at {}",
                        id.0,
                        to.display()
                    )));
                }
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| LibraryError::io(dir, e))?;
                }
                move_file(&from, &to)?;
            }
            conn.execute("UPDATE images SET trashed_at = NULL, trash_path = NULL WHERE id = ?1", [id.0])
                .step("restore image")?;
        }
        Ok(())
    }

    /// Sends every image in the library trash to the desktop trash and forgets it.
    pub fn empty_trash(&self) -> Result<EmptiedTrash, LibraryError> {
        self.empty_trash_into(&home_trash()?)
    }

    /// `empty_trash` into the freedesktop trash folder `trash` (a test's own, say).
    pub fn empty_trash_into(&self, trash: &Path) -> Result<EmptiedTrash, LibraryError> {
        let conn = self.writer()?;
        let rows: Vec<(i64, String, Option<String>, String)> = {
            let mut stmt = conn
                .prepare("SELECT id, path, trash_path, hash FROM images WHERE trashed_at IS NOT NULL")
                .step("list trash")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).step("list trash")?;
            rows.collect::<Result<_, _>>().step("list trash")?
        };
        let mut report = EmptiedTrash::default();
        for (id, path, trash_path, hash) in rows {
            if let Some(trash_path) = trash_path {
                let sent = trash_file(self.root(), &trash_path).and_then(|file| {
                    if file.exists() {
                        send_to_trash(trash, &file, &readable(self.root(), &path)?)?;
                    }
                    Ok(())
                });
                if let Err(e) = sent {
                    report.failed.push(format!("image {id}: {e}"));
                    continue;
                }
            }
            index::remove(&conn, ImageId(id))?;
            report.removed += 1;
            let shared: bool = conn
                .query_row("SELECT EXISTS(SELECT 1 FROM images WHERE hash = ?1)", [&hash], |r| r.get(0))
                .step("check thumbnail")?;
            // A hash the index did not write names no thumbnail: nothing to remove.
            if let (false, Ok(thumb)) = (shared, thumbnail_path(self.root(), &hash)) {
                remove_quietly(&thumb);
            }
        }
        Ok(report)
    }
}

fn remove_quietly(path: &Path) {
    // A thumbnail left behind is only a cache entry: failing to remove it is reported, not fatal.
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            eprintln!("easel: could not remove the thumbnail {}: {e}", path.display())
        }
        _ => {}
    }
}
