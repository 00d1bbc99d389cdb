//! Writing image rows: insert-or-find by path, moved files found again by content hash, models
//! and tags in their join tables, and the FTS5 row rebuilt from the stored columns so search
//! always agrees with the rows. Callers own the transaction; nothing here decides policy.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{DbStep, LibraryError};
use crate::metadata::{Extracted, MetadataSource};
use crate::ImageId;

/// A file ready to be indexed.
#[derive(Debug, Clone)]
pub(crate) struct NewImage {
    /// Stored path: relative to the library root inside it, absolute outside.
    pub path: String,
    pub hash: String,
    pub file_size: u64,
    pub modified: i64,
    pub width: u32,
    pub height: u32,
    /// Unix ms.
    pub created_at: i64,
    pub node_id: Option<String>,
    pub meta: Extracted,
}

/// What `upsert` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upserted {
    /// A new row.
    Added(ImageId),
    /// The same file was already indexed (same path and hash, or a moved file found by hash).
    Known(ImageId),
    /// The path was indexed with other content; the row now describes the new content.
    Replaced(ImageId),
}

impl Upserted {
    pub fn id(self) -> ImageId {
        match self {
            Upserted::Added(id) | Upserted::Known(id) | Upserted::Replaced(id) => id,
        }
    }
}

/// Indexes `image`, idempotently. `exists` says whether a stored path still has its file, so a
/// file that was moved keeps its row (favourite, tags) instead of gaining a twin.
pub(crate) fn upsert(
    conn: &Connection,
    image: &NewImage,
    exists: impl Fn(&str) -> bool,
) -> Result<Upserted, LibraryError> {
    let by_path: Option<(i64, String)> = conn
        .query_row("SELECT id, hash FROM images WHERE path = ?1", [&image.path], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .step("find image by path")?;
    if let Some((id, hash)) = by_path {
        if hash == image.hash {
            return Ok(Upserted::Known(ImageId(id)));
        }
        write_row(conn, Some(id), image)?;
        return Ok(Upserted::Replaced(ImageId(id)));
    }
    let mut twins = conn.prepare_cached("SELECT id, path FROM images WHERE hash = ?1").step("find image by hash")?;
    let twins: Vec<(i64, String)> = twins
        .query_map([&image.hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .step("find image by hash")?
        .collect::<Result<_, _>>()
        .step("find image by hash")?;
    if let Some((id, _)) = twins.iter().find(|(_, path)| !exists(path)) {
        conn.execute(
            "UPDATE images SET path = ?1, modified = ?2 WHERE id = ?3",
            params![image.path, image.modified, id],
        )
        .step("update moved image")?;
        return Ok(Upserted::Known(ImageId(*id)));
    }
    Ok(Upserted::Added(write_row(conn, None, image)?))
}

fn write_row(conn: &Connection, id: Option<i64>, image: &NewImage) -> Result<ImageId, LibraryError> {
    let m = &image.meta;
    let source = m.source.unwrap_or(MetadataSource::None).as_str();
    let classes = m.classes.join(" ");
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO images (id, path, hash, file_size, modified, width, height, created_at, source, run_id,
                 job_id, node_id, workflow, seed, prompt, negative, classes, sweep_id, sweep_grid, backend)
             VALUES (COALESCE(?1, (SELECT MAX(high, IFNULL((SELECT MAX(id) FROM images), 0)) + 1 FROM id_floor)),
                 ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
             ON CONFLICT(id) DO UPDATE SET path = excluded.path, hash = excluded.hash,
                 file_size = excluded.file_size, modified = excluded.modified, width = excluded.width,
                 height = excluded.height, created_at = excluded.created_at, source = excluded.source,
                 run_id = excluded.run_id, job_id = excluded.job_id, node_id = excluded.node_id,
                 workflow = excluded.workflow, seed = excluded.seed, prompt = excluded.prompt,
                 negative = excluded.negative, classes = excluded.classes, sweep_id = excluded.sweep_id,
                 sweep_grid = excluded.sweep_grid, backend = excluded.backend
             RETURNING id",
        )
        .step("insert image")?;
    let id: i64 = insert
        .query_row(
            params![
                id,
                image.path,
                image.hash,
                image.file_size as i64,
                image.modified,
                image.width,
                image.height,
                image.created_at,
                source,
                m.run_id,
                m.job_id,
                image.node_id,
                m.workflow,
                m.seed,
                m.prompt,
                m.negative,
                classes,
                m.sweep.as_ref().map(|s| s.0.as_str()),
                m.sweep.as_ref().is_some_and(|s| s.1),
                m.backend
            ],
            |r| r.get(0),
        )
        .step("insert image")?;
    conn.execute("DELETE FROM image_models WHERE image_id = ?1", [id]).step("reset image models")?;
    let mut model = conn
        .prepare_cached(
            "INSERT INTO models (kind, ident, name) VALUES (?1, ?2, ?3)
             ON CONFLICT(kind, ident) DO UPDATE SET name = CASE WHEN excluded.name != excluded.ident
                 THEN excluded.name ELSE models.name END
             RETURNING id",
        )
        .step("insert model")?;
    let mut link = conn
        .prepare_cached("INSERT OR IGNORE INTO image_models (image_id, model_id) VALUES (?1, ?2)")
        .step("link model")?;
    for m in &m.models {
        let model_id: i64 = model.query_row(params![m.kind, m.ident, m.name], |r| r.get(0)).step("insert model")?;
        link.execute(params![id, model_id]).step("link model")?;
    }
    refresh_text(conn, ImageId(id))?;
    Ok(ImageId(id))
}

/// Rewrites the search row of `id` from the stored columns, models and tags.
pub(crate) fn refresh_text(conn: &Connection, id: ImageId) -> Result<(), LibraryError> {
    conn.execute("DELETE FROM image_text WHERE rowid = ?1", [id.0]).step("clear search row")?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO image_text (rowid, prompt, negative, models, classes, tags, workflow)
             SELECT i.id, i.prompt, i.negative,
                 (SELECT group_concat(m.name || ' ' || m.ident, ' ') FROM image_models im
                     JOIN models m ON m.id = im.model_id WHERE im.image_id = i.id),
                 i.classes,
                 (SELECT group_concat(t.name, ' ') FROM image_tags it
                     JOIN tags t ON t.id = it.tag_id WHERE it.image_id = i.id),
                 i.workflow
             FROM images i WHERE i.id = ?1",
        )
        .step("write search row")?;
    insert.execute([id.0]).step("write search row")?;
    Ok(())
}

/// Removes an image's row and its search row.
pub(crate) fn remove(conn: &Connection, id: ImageId) -> Result<(), LibraryError> {
    conn.execute("DELETE FROM image_text WHERE rowid = ?1", [id.0]).step("remove search row")?;
    conn.execute("DELETE FROM images WHERE id = ?1", [id.0]).step("remove image")?;
    Ok(())
}
