//! Reading one image in full, and the small edits a person makes in the gallery: favourite and
//! tags. Each edit is one transaction over all the ids given, and rewrites the search rows it
//! touches so a new tag is findable at once.

use rusqlite::{params, OptionalExtension};

use crate::error::{DbStep, LibraryError};
use crate::image::{SUMMARY_COLUMNS, SUMMARY_WIDTH};
use crate::index::refresh_text;
use crate::{ImageDetail, ImageId, ImageSummary, Library, MetadataSource, ModelRef};

impl Library {
    /// Everything known about one image.
    pub fn image(&self, id: ImageId) -> Result<ImageDetail, LibraryError> {
        let conn = self.reader()?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, i.hash, i.file_size, i.source, i.run_id, i.job_id, i.node_id, i.prompt,
                 i.negative, i.classes, i.trashed_at, i.backend FROM images i WHERE i.id = ?1"
        );
        let detail = conn
            .query_row(&sql, [id.0], |r| {
                let classes: String = r.get(SUMMARY_WIDTH + 8)?;
                Ok(ImageDetail {
                    summary: ImageSummary::from_row(r, |p| self.display_path(p))?,
                    hash: r.get(SUMMARY_WIDTH)?,
                    file_size: r.get::<_, i64>(SUMMARY_WIDTH + 1)? as u64,
                    source: MetadataSource::parse(&r.get::<_, String>(SUMMARY_WIDTH + 2)?),
                    run_id: r.get(SUMMARY_WIDTH + 3)?,
                    job_id: r.get(SUMMARY_WIDTH + 4)?,
                    node_id: r.get(SUMMARY_WIDTH + 5)?,
                    prompt: r.get(SUMMARY_WIDTH + 6)?,
                    negative: r.get(SUMMARY_WIDTH + 7)?,
                    classes: classes.split_whitespace().map(str::to_string).collect(),
                    tags: Vec::new(),
                    models: Vec::new(),
                    trashed_at: r.get(SUMMARY_WIDTH + 9)?,
                    backend: r.get(SUMMARY_WIDTH + 10)?,
                })
            })
            .optional()
            .step("read image")?;
        let mut detail = detail.ok_or(LibraryError::NotFound(id.0))?;
        let mut models = conn
            .prepare_cached(
                "SELECT m.kind, m.ident, m.name FROM image_models im JOIN models m ON m.id = im.model_id
                 WHERE im.image_id = ?1 ORDER BY m.kind, m.name",
            )
            .step("read image models")?;
        detail.models = models
            .query_map([id.0], |r| Ok(ModelRef { kind: r.get(0)?, ident: r.get(1)?, name: r.get(2)? }))
            .step("read image models")?
            .collect::<Result<_, _>>()
            .step("read image models")?;
        let mut tags = conn
            .prepare_cached(
                "SELECT t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = ?1 ORDER BY t.name",
            )
            .step("read image tags")?;
        detail.tags = tags
            .query_map([id.0], |r| r.get(0))
            .step("read image tags")?
            .collect::<Result<_, _>>()
            .step("read image tags")?;
        Ok(detail)
    }

    /// Marks or unmarks images as favourites.
    pub fn set_favourite(&self, ids: &[ImageId], favourite: bool) -> Result<(), LibraryError> {
        let mut conn = self.writer()?;
        let tx = conn.transaction().step("begin favourite")?;
        for id in ids {
            let n = tx
                .execute("UPDATE images SET favourite = ?1 WHERE id = ?2", params![favourite, id.0])
                .step("set favourite")?;
            if n == 0 {
                return Err(LibraryError::NotFound(id.0));
            }
        }
        tx.commit().step("commit favourite")
    }

    /// Adds a tag (trimmed, case-insensitive) to images.
    pub fn add_tag(&self, ids: &[ImageId], tag: &str) -> Result<(), LibraryError> {
        let tag = clean_tag(tag)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction().step("begin tag")?;
        let tag_id: i64 = tx
            .query_row(
                "INSERT INTO tags (name) VALUES (?1) ON CONFLICT(name) DO UPDATE SET name = tags.name RETURNING id",
                [&tag],
                |r| r.get(0),
            )
            .step("insert tag")?;
        for id in ids {
            tx.execute("INSERT OR IGNORE INTO image_tags (image_id, tag_id) VALUES (?1, ?2)", [id.0, tag_id]).map_err(
                |e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => LibraryError::NotFound(id.0),
                    _ => LibraryError::Db { step: "tag image", source: e },
                },
            )?;
            refresh_text(&tx, *id)?;
        }
        tx.commit().step("commit tag")
    }

    /// Removes a tag from images; a tag no image carries any more disappears.
    pub fn remove_tag(&self, ids: &[ImageId], tag: &str) -> Result<(), LibraryError> {
        let tag = clean_tag(tag)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction().step("begin untag")?;
        for id in ids {
            tx.execute(
                "DELETE FROM image_tags WHERE image_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)",
                params![id.0, tag],
            )
            .step("untag image")?;
            refresh_text(&tx, *id)?;
        }
        tx.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM image_tags)", []).step("drop unused tags")?;
        tx.commit().step("commit untag")
    }
}

fn clean_tag(tag: &str) -> Result<String, LibraryError> {
    let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    if tag.is_empty() || tag.len() > 100 {
        return Err(LibraryError::Invalid(format!("a tag has 1 to 100 characters, got {:?}", tag)));
    }
    Ok(tag)
}
