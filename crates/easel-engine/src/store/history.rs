//! Reading the journal as a history: every run ever recorded, newest first, filtered by status,
//! workflow, backend and time and searched by name and prompt text (FTS5 table `run_text`), one
//! keyset page at a time so the 100,000th run costs what the first does. A row a crash tore (a
//! column of the wrong type, an unreadable status) is reported in `skipped` and left out, never
//! fatal. What it leaves out: the ledger (`ledger`) and the run's full document (`Store::run`).

use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::Store;
use crate::EngineError;

/// Runs one history page holds at most.
pub const MAX_HISTORY_PAGE: u32 = 500;
/// Thumbnails listed per run in a page (a batch run rarely has more outputs).
const IMAGES_PER_RUN: usize = 4;
/// Characters of prompt text indexed per run.
pub(crate) const MAX_SEARCH_CHARS: usize = 16 * 1024;

/// A run's state as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RunStatus {
    /// Recorded, not yet sent.
    Queued,
    /// On the service.
    Submitted,
    /// Done, every image saved.
    Succeeded,
    /// Ended without (all of) its images.
    Failed,
    /// Canceled.
    Canceled,
}

impl RunStatus {
    /// The journal's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Submitted => "submitted",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Canceled => "canceled",
        }
    }

    /// Reads the journal's spelling; anything else is not a status.
    pub fn parse(text: &str) -> Option<RunStatus> {
        [RunStatus::Queued, RunStatus::Submitted, RunStatus::Succeeded, RunStatus::Failed, RunStatus::Canceled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Which runs a history page shows. Empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct HistoryFilter {
    /// Only these statuses.
    pub statuses: Vec<RunStatus>,
    /// Only runs of this name (exact).
    pub workflow: Option<String>,
    /// Only runs on this backend label.
    pub backend: Option<String>,
    /// Recorded at or after (unix seconds).
    pub since: Option<i64>,
    /// Recorded before (unix seconds).
    pub until: Option<i64>,
    /// Words in the name or prompt text (every word, the last as a prefix).
    pub text: Option<String>,
    /// Only the cells of this sweep.
    #[ts(optional)]
    pub sweep: Option<String>,
}

/// Where the next page starts: after this run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryCursor {
    /// The last run's `createdAt`.
    pub created_at: i64,
    /// The last run's id.
    pub run_id: String,
}

/// One saved image of a run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunImage {
    /// Its gallery id, for thumbnails (`None` when the gallery does not hold it: trashed, or
    /// not indexed yet; and always from `Store`, which has no gallery).
    pub id: Option<easel_library::ImageId>,
    /// Absolute path of the PNG.
    pub path: String,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One run as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryRun {
    /// Easel's run id.
    pub run_id: String,
    /// The workflow's name.
    pub name: String,
    /// The backend's label.
    pub backend: String,
    /// Where it stands.
    pub status: RunStatus,
    /// Recorded (unix seconds).
    pub created_at: i64,
    /// The service started running it, when seen.
    pub started_at: Option<i64>,
    /// It ended, when it has.
    pub ended_at: Option<i64>,
    /// Credits estimated before it ran.
    pub estimate: Option<f64>,
    /// Credits the service reported.
    pub credits: Option<f64>,
    /// The error's code, when it failed.
    pub error_code: Option<easel_error::ErrorCode>,
    /// The error, when it failed.
    pub error: Option<String>,
    /// Images saved.
    pub image_count: u32,
    /// The first few of them.
    pub images: Vec<RunImage>,
    /// The sweep it is a cell of, if any.
    pub sweep_id: Option<String>,
    /// Its cell in that sweep.
    pub sweep_cell: Option<crate::Cell>,
}

/// A page of history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryPage {
    /// Newest first.
    pub runs: Vec<HistoryRun>,
    /// Where the next page starts; `None` at the end.
    pub next: Option<HistoryCursor>,
    /// Rows of this page's range that could not be read (reported, left out).
    pub skipped: u32,
}

const COLUMNS: &str = "r.run_id, r.name, r.backend, r.status, r.created_at, r.started_at, r.ended_at, r.estimate, \
     r.credits, r.error_code, r.error, (SELECT COUNT(*) FROM images i WHERE i.run_id = r.run_id), r.sweep_id, r.sweep_cell";

impl Store {
    /// Up to `limit` runs matching `filter`, newest first, after `after`.
    pub fn history(
        &self,
        filter: &HistoryFilter,
        after: Option<&HistoryCursor>,
        limit: u32,
    ) -> Result<HistoryPage, EngineError> {
        let limit = limit.clamp(1, MAX_HISTORY_PAGE);
        let (mut clauses, mut args) = where_of(filter);
        if let Some(cursor) = after {
            clauses.push("(r.created_at < ? OR (r.created_at = ? AND r.run_id < ?))".into());
            args.extend([
                Sql::Integer(cursor.created_at),
                Sql::Integer(cursor.created_at),
                cursor.run_id.clone().into(),
            ]);
        }
        let wheres = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let sql = format!(
            "SELECT {COLUMNS}, r.created_at AS at_raw, r.run_id AS id_raw FROM runs r {wheres}
             ORDER BY r.created_at DESC, r.run_id DESC LIMIT {}",
            limit + 1
        );
        let mut stmt = self.conn.prepare(&sql).map_err(EngineError::sql)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(EngineError::sql)?;
        let (mut runs, mut skipped, mut last, mut more) = (Vec::new(), 0u32, None, false);
        let mut seen = 0;
        while let Some(row) = rows.next().map_err(EngineError::sql)? {
            seen += 1;
            if seen > limit {
                more = true;
                break;
            }
            let at: Option<i64> = row.get(14).ok();
            let id: Option<String> = row.get(15).ok();
            if let (Some(created_at), Some(run_id)) = (at, id.clone()) {
                last = Some(HistoryCursor { created_at, run_id });
            }
            match history_run(row) {
                Some(run) => runs.push(run),
                None => {
                    skipped += 1;
                    eprintln!(
                        "easel: history: left out run {} (its journal row cannot be read)",
                        id.unwrap_or_default()
                    );
                }
            }
        }
        drop(rows);
        for run in &mut runs {
            run.images = self.run_images(&run.run_id)?;
        }
        Ok(HistoryPage { runs, next: if more { last } else { None }, skipped })
    }

    /// How many runs match `filter`.
    pub fn history_count(&self, filter: &HistoryFilter) -> Result<u64, EngineError> {
        let (clauses, args) = where_of(filter);
        let wheres = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        self.conn
            .query_row(&format!("SELECT COUNT(*) FROM runs r {wheres}"), params_from_iter(args), |r| r.get(0))
            .map_err(EngineError::sql)
    }

    /// Removes a finished run's record (its images stay on disk and in the gallery). Returns
    /// false when no such run is recorded; an unfinished run cannot be removed.
    pub fn forget_run(&self, run_id: &str) -> Result<bool, EngineError> {
        let tx = self.conn.unchecked_transaction().map_err(EngineError::sql)?;
        let status: Option<String> = tx
            .query_row("SELECT status FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))
            .optional()
            .map_err(EngineError::sql)?;
        match status.as_deref() {
            None => return Ok(false),
            Some("queued" | "submitted") => return Err(EngineError::RunActive(run_id.to_string())),
            Some(_) => {}
        }
        // Its image rows first: they point at the run.
        tx.execute("DELETE FROM images WHERE run_id = ?1", [run_id]).map_err(EngineError::sql)?;
        tx.execute("DELETE FROM run_text WHERE run_id = ?1", [run_id]).map_err(EngineError::sql)?;
        tx.execute("DELETE FROM runs WHERE run_id = ?1", [run_id]).map_err(EngineError::sql)?;
        tx.commit().map_err(EngineError::sql)?;
        Ok(true)
    }

    fn run_images(&self, run_id: &str) -> Result<Vec<RunImage>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT path, width, height FROM images WHERE run_id = ?1 ORDER BY id LIMIT ?2")
            .map_err(EngineError::sql)?;
        let rows = stmt
            .query_map(rusqlite::params![run_id, IMAGES_PER_RUN as i64], |r| {
                Ok(RunImage { id: None, path: r.get(0)?, width: r.get(1)?, height: r.get(2)? })
            })
            .map_err(EngineError::sql)?;
        // An image row that cannot be read costs its thumbnail, not the page.
        Ok(rows.filter_map(Result::ok).collect())
    }
}

/// The WHERE clauses and their arguments for `filter`.
fn where_of(filter: &HistoryFilter) -> (Vec<String>, Vec<Sql>) {
    let mut clauses = Vec::new();
    let mut args: Vec<Sql> = Vec::new();
    if !filter.statuses.is_empty() {
        clauses.push(format!("r.status IN ({})", vec!["?"; filter.statuses.len()].join(", ")));
        args.extend(filter.statuses.iter().map(|s| Sql::from(s.as_str().to_string())));
    }
    if let Some(name) = filter.workflow.as_ref().filter(|n| !n.is_empty()) {
        clauses.push("r.name = ?".into());
        args.push(name.clone().into());
    }
    if let Some(backend) = filter.backend.as_ref().filter(|b| !b.is_empty()) {
        clauses.push("r.backend = ?".into());
        args.push(backend.clone().into());
    }
    if let Some(sweep) = filter.sweep.as_ref().filter(|s| !s.is_empty()) {
        clauses.push("r.sweep_id = ?".into());
        args.push(sweep.clone().into());
    }
    if let Some(since) = filter.since {
        clauses.push("r.created_at >= ?".into());
        args.push(Sql::Integer(since));
    }
    if let Some(until) = filter.until {
        clauses.push("r.created_at < ?".into());
        args.push(Sql::Integer(until));
    }
    if let Some(query) = filter.text.as_deref().and_then(easel_library::fts_query) {
        clauses.push("r.run_id IN (SELECT run_id FROM run_text WHERE run_text MATCH ?)".into());
        args.push(query.into());
    }
    (clauses, args)
}

/// A listed run, or `None` when its row is torn.
fn history_run(row: &Row<'_>) -> Option<HistoryRun> {
    let code: Option<String> = row.get(9).ok()?;
    Some(HistoryRun {
        run_id: row.get(0).ok()?,
        name: row.get(1).ok()?,
        backend: row.get(2).ok()?,
        status: RunStatus::parse(&row.get::<_, String>(3).ok()?)?,
        created_at: row.get(4).ok()?,
        started_at: row.get(5).ok()?,
        ended_at: row.get(6).ok()?,
        estimate: row.get(7).ok()?,
        credits: row.get(8).ok()?,
        error_code: code.map(|c| serde_json::from_value(Value::String(c)).unwrap_or(easel_error::ErrorCode::Unknown)),
        error: row.get(10).ok()?,
        image_count: row.get(11).ok()?,
        images: Vec::new(),
        sweep_id: row.get(12).ok()?,
        // A cell that cannot be read only loses its place in the grid, not the run.
        sweep_cell: row.get::<_, Option<String>>(13).ok().flatten().and_then(|c| serde_json::from_str(&c).ok()),
    })
}

/// The words a run is found by: every text value of its stored document (prompts, and model
/// and file names), without node ids and class names, at most `MAX_SEARCH_CHARS`.
pub(crate) fn search_text(stored: &str) -> String {
    let Ok(doc) = serde_json::from_str::<Value>(stored) else { return String::new() };
    let mut out = String::new();
    collect_text(&doc, None, &mut out);
    if out.len() > MAX_SEARCH_CHARS {
        let mut end = MAX_SEARCH_CHARS;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

fn collect_text(value: &Value, key: Option<&str>, out: &mut String) {
    if out.len() >= MAX_SEARCH_CHARS {
        return;
    }
    match value {
        Value::String(text) => {
            let structural = matches!(key, Some("classType" | "templateId" | "nodeId" | "fieldName"));
            if !structural && text.chars().any(char::is_alphabetic) && !out.contains(text.as_str()) {
                out.push_str(text);
                out.push('\n');
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_text(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| collect_text(v, Some(k), out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_run, NewRun};

    fn store_with(runs: &[(&str, &str)]) -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("easel.sqlite")).unwrap();
        let rows: Vec<NewRun<'_>> = runs.iter().map(|(id, workflow)| test_run(id, workflow, 1.0)).collect();
        store.insert_runs(&rows, None).unwrap();
        (store, dir)
    }

    #[test]
    fn a_torn_row_is_left_out_and_counted_never_fatal() {
        let (store, _dir) = store_with(&[("a", "{}"), ("b", "{}"), ("c", "{}")]);
        store.conn.execute("UPDATE runs SET status = 'half-written' WHERE run_id = 'b'", []).unwrap();
        store.conn.execute("UPDATE runs SET credits = 'lots' WHERE run_id = 'c'", []).unwrap();
        let page = store.history(&HistoryFilter::default(), None, 10).unwrap();
        assert_eq!(page.runs.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(page.skipped, 2);
    }

    #[test]
    fn runs_are_found_by_prompt_words_not_by_structure() {
        let graph = r#"{"6":{"classType":"CLIPTextEncode","inputs":{"text":"a red fox in snow","clip":["4",1]}}}"#;
        let (store, _dir) = store_with(&[("fox", graph), ("other", "{}")]);
        let find = |text: &str| {
            let filter = HistoryFilter { text: Some(text.into()), ..HistoryFilter::default() };
            store.history(&filter, None, 10).unwrap().runs.into_iter().map(|r| r.run_id).collect::<Vec<_>>()
        };
        assert_eq!(find("red fo"), ["fox"]);
        assert!(find("CLIPTextEncode").is_empty(), "class names are not prompt text");
        assert_eq!(find("wf").len(), 2, "the workflow name finds every run of it");
        assert!(find("\"unbalanced AND (").is_empty(), "typed syntax is text");
    }

    #[test]
    fn search_text_is_bounded_and_skips_links() {
        let long = "word ".repeat(10_000);
        let doc = serde_json::json!({"1": {"classType": "X", "inputs": {"text": long, "clip": ["4", 0]}}});
        let text = search_text(&doc.to_string());
        assert!(text.len() <= MAX_SEARCH_CHARS);
        assert!(!text.contains('4'));
        assert_eq!(search_text("{not json"), "");
    }

    #[test]
    fn an_unfinished_run_keeps_its_record() {
        let (store, _dir) = store_with(&[("a", "{}")]);
        assert!(matches!(store.forget_run("a"), Err(EngineError::RunActive(_))));
        store.finish_run("a", "canceled", None, None).unwrap();
        assert!(store.forget_run("a").unwrap());
        assert_eq!(store.history_count(&HistoryFilter::default()).unwrap(), 0);
    }
}
