//! A generated run journal for benchmarks and demos: `n` runs recorded the way the pipeline
//! records them (the reference workflow's document with varied prompts, 20 workflow names, three
//! backends), then shaped as finished runs leave them (1 in 17 failed, 1 in 29 canceled, the rest
//! succeeded at 2.4 credits, spread over the last 90 days). Deterministic: run `i` always has the
//! same name and prompt. Not used by the app itself.

use std::path::Path;

use easel_library::sample::{STYLES, SUBJECTS};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

use crate::{EngineError, NewRun, RunKind, Store};

/// The backends the sample's runs are spread over (as the journal records them).
pub const SAMPLE_BACKENDS: [&str; 3] = ["https://tams.example", "http://127.0.0.1:8188", "offline demo"];
/// How many workflow names the sample uses (`workflow 0` … `workflow 19`).
pub const SAMPLE_WORKFLOWS: usize = 20;
/// Runs written per transaction.
const CHUNK: usize = 1_000;

/// Writes `n` finished runs into the journal at `path` (created if missing; runs already there
/// stay). Run ids are `run-0000000`, `run-0000001`, …
pub fn write_journal(path: &Path, n: usize) -> Result<(), EngineError> {
    let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW)
        .map_err(|e| EngineError::Store(format!("reference workflow: {e}")))?
        .workflow;
    let template = workflow.to_tams_params().to_string();
    let store = Store::open(path)?;
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for chunk_start in (0..n).step_by(CHUNK) {
        let chunk: Vec<(String, String, String)> = (chunk_start..(chunk_start + CHUNK).min(n))
            .map(|i| {
                let (a, b) = (next(&mut seed) as usize, next(&mut seed) as usize);
                let prompt = format!("{} of a {}", STYLES[a % STYLES.len()], SUBJECTS[b % SUBJECTS.len()]);
                let document = template.replacen("masterpiece, best quality", &prompt, 1);
                (format!("run-{i:07}"), format!("workflow {}", i % SAMPLE_WORKFLOWS), document)
            })
            .collect();
        let rows: Vec<NewRun<'_>> = chunk
            .iter()
            .enumerate()
            .map(|(j, (id, name, document))| NewRun {
                run_id: id,
                request_id: id,
                name,
                backend: SAMPLE_BACKENDS[(chunk_start + j) % SAMPLE_BACKENDS.len()],
                workflow: document,
                seeds: "{}",
                editor: None,
                kind: RunKind::Graph,
                uploads: None,
                estimate: Some(2.4),
            })
            .collect();
        store.insert_runs(&rows, None)?;
    }
    drop(store);
    // The status mix and the times in one statement: the pipeline's per-run updates would only
    // time SQLite's fsync here.
    let conn = rusqlite::Connection::open(path).map_err(|e| EngineError::store(path, e))?;
    let spread = n.max(1);
    conn.execute_batch(&format!(
        "UPDATE runs SET
            created_at = strftime('%s', 'now') - (rowid * 7776000 / {spread}),
            status = CASE WHEN rowid % 17 = 0 THEN 'failed' WHEN rowid % 29 = 0 THEN 'canceled' ELSE 'succeeded' END;
         UPDATE runs SET started_at = created_at + 3, ended_at = created_at + 20,
            credits = CASE WHEN status = 'succeeded' THEN 2.4 END,
            error_code = CASE WHEN status = 'failed' THEN 'jobFailed' END;"
    ))
    .map_err(|e| EngineError::store(path, e))
}

/// xorshift64: the same sequence on every machine.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HistoryFilter, RunStatus};

    #[test]
    fn writes_finished_runs_with_the_status_mix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("easel.sqlite");
        write_journal(&path, 120).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.history_count(&HistoryFilter::default()).unwrap(), 120);
        let failed = HistoryFilter { statuses: vec![RunStatus::Failed], ..HistoryFilter::default() };
        assert_eq!(store.history_count(&failed).unwrap(), 7, "rowids 17, 34, … 119");
        let page = store.history(&HistoryFilter::default(), None, 500).unwrap();
        assert_eq!(page.runs.len(), 120);
        assert!(page.runs.iter().all(|r| r.status != RunStatus::Queued), "every run finished");
        let fox = HistoryFilter { text: Some("fox".into()), ..HistoryFilter::default() };
        let foxes = store.history_count(&fox).unwrap();
        assert!(foxes > 0 && foxes < 120, "prompts vary: {foxes} of 120 mention a fox");
    }
}
