//! The library's own trash, which makes delete undoable: a deleted image's file moves to
//! `<library>/.trash/` and its row is only marked, so `restore` puts both back exactly (tags and
//! favourite included). Emptying sends the files on to the desktop trash (`os_trash`), never
//! straight to oblivion, and only then drops the rows and unshared thumbnails.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DbStep, LibraryError};
use crate::ingest::{resolve, stored_path};
use crate::os_trash::{move_file, send_to_trash};
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
        let trash_dir = self.root().join(".trash");
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
            let from = resolve(self.root(), &path);
            let name = from.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let to = trash_dir.join(format!("{}-{name}", id.0));
            let trash_path = if from.exists() {
                move_file(&from, &to)?;
                Some(stored_path(self.root(), &to))
            } else {
                None // already gone from disk: trashing just hides the row
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
                let (from, to) = (resolve(self.root(), &trash_path), resolve(self.root(), &path));
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
                let file = resolve(self.root(), &trash_path);
                if file.exists() {
                    if let Err(e) = send_to_trash(&file, &resolve(self.root(), &path)) {
                        report.failed.push(format!("image {id}: {e}"));
                        continue;
                    }
                }
            }
            index::remove(&conn, ImageId(id))?;
            report.removed += 1;
            let shared: bool = conn
                .query_row("SELECT EXISTS(SELECT 1 FROM images WHERE hash = ?1)", [&hash], |r| r.get(0))
                .step("check thumbnail")?;
            if !shared {
                remove_quietly(&thumbnail_path(self.root(), &hash));
            }
        }
        Ok(report)
    }
}

fn remove_quietly(path: &Path) {
    // A thumbnail left behind is only a cache entry; failing to remove it is harmless.
    let _ = std::fs::remove_file(path);
}
