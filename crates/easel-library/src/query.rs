//! Gallery queries: a filter (favourites, model, tag, workflow, date range, size, full-text), a
//! sort, and keyset paging. Cursors are opaque strings holding the last row's sort key and id,
//! so the next page is an index seek whatever the depth (no OFFSET scans at image 90,000);
//! relevance order, which has no stable key, pages by offset within the search hits.

use rusqlite::types::Value as Sql;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DbStep, LibraryError};
use crate::image::{SUMMARY_COLUMNS, SUMMARY_WIDTH};
use crate::search::{fts_query, RANK};
use crate::{ImageSummary, Library};

/// Which images to show. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ImageFilter {
    /// Words to search in prompts, model names, node classes, tags and workflow names.
    pub text: Option<String>,
    /// Only favourites.
    pub favourites_only: bool,
    /// Only images that used this model (its identifier, as in `ModelRef::ident`).
    pub model: Option<String>,
    /// Only images with this tag.
    pub tag: Option<String>,
    /// Only images of this workflow (by name).
    pub workflow: Option<String>,
    /// Made at or after this time (Unix ms).
    #[ts(type = "number | null")]
    pub from: Option<i64>,
    /// Made before this time (Unix ms).
    #[ts(type = "number | null")]
    pub until: Option<i64>,
    /// At least this wide.
    pub min_width: Option<u32>,
    /// At least this tall.
    pub min_height: Option<u32>,
    /// Show the library's trash instead of the gallery.
    pub trashed: bool,
    /// Only the images of this run (Easel's run id; the History view's "show in gallery").
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// Only the grid and cells of this sweep (opening a sweep's stack). Without it (and without
    /// `run`), a sweep whose grid the gallery holds shows as its grid alone.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<String>,
}

/// Order of the results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Sort {
    /// Most recent first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Most pixels first.
    Largest,
    /// Best search match first (newest when there is no search text).
    Relevance,
}

/// One page request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ImageQuery {
    /// Which images.
    pub filter: ImageFilter,
    /// In what order.
    pub sort: Sort,
    /// Page size (1..=1000; 0 means 200).
    pub limit: u32,
    /// `nextCursor` of the previous page; none for the first page.
    pub cursor: Option<String>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Page {
    /// The images, in order.
    pub items: Vec<ImageSummary>,
    /// Pass back as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

impl Library {
    /// One page of images.
    pub fn query(&self, query: &ImageQuery) -> Result<Page, LibraryError> {
        let limit = match query.limit {
            0 => 200,
            n => n.min(1000),
        } as usize;
        let fts = query.filter.text.as_deref().and_then(fts_query);
        let sort = if query.sort == Sort::Relevance && fts.is_none() { Sort::Newest } else { query.sort };
        let (key, direction) = match sort {
            Sort::Newest => ("i.created_at", "DESC"),
            Sort::Oldest => ("i.created_at", "ASC"),
            Sort::Largest => ("(i.width * i.height)", "DESC"),
            Sort::Relevance => (RANK, "ASC"),
        };
        let (mut sql, mut args) = filtered(&query.filter, fts.as_deref(), sort == Sort::Relevance);
        let mut offset = 0usize;
        if let Some(cursor) = &query.cursor {
            let bad = || LibraryError::Invalid(format!("malformed cursor `{cursor}`"));
            if sort == Sort::Relevance {
                offset = cursor.strip_prefix('o').and_then(|n| n.parse().ok()).ok_or_else(bad)?;
            } else {
                let (k, id) = cursor.strip_prefix('k').and_then(|c| c.split_once(':')).ok_or_else(bad)?;
                let (k, id): (i64, i64) = (k.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?);
                let cmp = if direction == "DESC" { "<" } else { ">" };
                sql.push_str(&format!(" AND ({key}, i.id) {cmp} (?, ?)"));
                args.extend([Sql::Integer(k), Sql::Integer(id)]);
            }
        }
        sql.push_str(&format!(" ORDER BY {key} {direction}, i.id {direction} LIMIT ? OFFSET ?"));
        args.extend([Sql::Integer(limit as i64 + 1), Sql::Integer(offset as i64)]);
        let select = format!("SELECT {SUMMARY_COLUMNS}, {key} {sql}");
        let conn = self.reader()?;
        let mut stmt = conn.prepare_cached(&select).step("query images")?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).step("query images")?;
        let (mut items, mut keys) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next().step("query images")? {
            items.push(ImageSummary::from_row(row, |p| self.display_path(p)).step("read image row")?);
            keys.push(row.get::<_, Sql>(SUMMARY_WIDTH).step("read sort key")?);
        }
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            let last = &items[limit - 1];
            Some(match (&keys[limit - 1], sort) {
                (_, Sort::Relevance) => format!("o{}", offset + limit),
                (Sql::Integer(k), _) => format!("k{k}:{}", last.id.0),
                _ => format!("k0:{}", last.id.0),
            })
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// How many images match `filter`.
    pub fn count(&self, filter: &ImageFilter) -> Result<u64, LibraryError> {
        let fts = filter.text.as_deref().and_then(fts_query);
        let (sql, args) = filtered(filter, fts.as_deref(), false);
        // On the counting connection: counting 100,000 images takes tens of milliseconds or more,
        // and on the reader it held up the thumbnails of the first grid.
        let conn = self.totals_reader()?;
        let mut stmt = conn.prepare_cached(&format!("SELECT count(*) {sql}")).step("count images")?;
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(args), |r| r.get(0)).step("count images")?;
        Ok(n as u64)
    }

    /// Full-text search, best match first: the convenience the CLI uses.
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<ImageSummary>, LibraryError> {
        let filter = ImageFilter { text: Some(text.to_string()), ..ImageFilter::default() };
        Ok(self.query(&ImageQuery { filter, sort: Sort::Relevance, limit, cursor: None })?.items)
    }
}

/// `FROM ... WHERE ...` for a filter, with its arguments. With `rank`, the FTS table is joined
/// so `bm25()` can order; otherwise the search is a semi-join on rowids.
fn filtered(filter: &ImageFilter, fts: Option<&str>, rank: bool) -> (String, Vec<Sql>) {
    let mut args = Vec::new();
    let mut sql = match (fts, rank) {
        (Some(q), true) => {
            args.push(Sql::Text(q.to_string()));
            "FROM image_text JOIN images i ON i.id = image_text.rowid WHERE image_text MATCH ?".to_string()
        }
        (Some(q), false) => {
            args.push(Sql::Text(q.to_string()));
            "FROM images i WHERE i.id IN (SELECT rowid FROM image_text WHERE image_text MATCH ?)".to_string()
        }
        // Text with no searchable word (only punctuation) matches nothing rather than everything.
        (None, _) if filter.text.as_deref().is_some_and(|t| !t.trim().is_empty()) => {
            "FROM images i WHERE 0".to_string()
        }
        (None, _) => "FROM images i WHERE 1".to_string(),
    };
    sql.push_str(if filter.trashed { " AND i.trashed_at IS NOT NULL" } else { " AND i.trashed_at IS NULL" });
    if filter.favourites_only {
        sql.push_str(" AND i.favourite = 1");
    }
    if filter.sweep.is_none() && filter.run.is_none() && !filter.trashed {
        // A sweep's cells stack behind its grid once the grid is indexed (until then they show).
        sql.push_str(
            " AND NOT (i.sweep_id IS NOT NULL AND i.sweep_grid = 0 AND EXISTS (SELECT 1 FROM images g \
             WHERE g.sweep_id = i.sweep_id AND g.sweep_grid = 1 AND g.trashed_at IS NULL))",
        );
    }
    let mut add = |clause: &str, value: Sql| {
        sql.push_str(clause);
        args.push(value);
    };
    if let Some(model) = &filter.model {
        add(
            " AND i.id IN (SELECT im.image_id FROM image_models im JOIN models m ON m.id = im.model_id WHERE m.ident = ?)",
            Sql::Text(model.clone()),
        );
    }
    if let Some(tag) = &filter.tag {
        add(
            " AND i.id IN (SELECT it.image_id FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = ?)",
            Sql::Text(tag.clone()),
        );
    }
    if let Some(run) = &filter.run {
        add(" AND i.run_id = ?", Sql::Text(run.clone()));
    }
    if let Some(sweep) = &filter.sweep {
        add(" AND i.sweep_id = ?", Sql::Text(sweep.clone()));
    }
    if let Some(workflow) = &filter.workflow {
        add(" AND i.workflow = ?", Sql::Text(workflow.clone()));
    }
    if let Some(from) = filter.from {
        add(" AND i.created_at >= ?", Sql::Integer(from));
    }
    if let Some(until) = filter.until {
        add(" AND i.created_at < ?", Sql::Integer(until));
    }
    if let Some(w) = filter.min_width {
        add(" AND i.width >= ?", Sql::Integer(i64::from(w)));
    }
    if let Some(h) = filter.min_height {
        add(" AND i.height >= ?", Sql::Integer(i64::from(h)));
    }
    (sql, args)
}
