//! When a sweep's last cell ends: claim its grid in the journal (one process composes it),
//! decode each cell's first image, compose the labelled grid, save it into the library beside
//! the cells with the sweep in its `easel` chunk and the base graph in its `prompt` chunk (so
//! opening it opens the sweep's workflow), index it in the gallery, and record where it is. A
//! grid that cannot be made is recorded as failed and never stops the runs it would show.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use easel_workflow::Workflow;
use image::RgbImage;
use serde::Deserialize;
use serde_json::json;

use super::grid::{self, Labels};
use super::{Cell, Sweep};
use crate::plan::RunPlan;
use crate::store::{SweepRecord, SweepRun};
use crate::{Engine, EngineError, Inner, JobChange, SavedImage};

/// The largest cell image decoded for a grid (bytes of pixels); a bigger file shows as missing.
const MAX_CELL_BYTES: u64 = 256 << 20;

/// Composes the grid of `plan`'s sweep if that run was its last to finish, and says so on the
/// run's events.
pub(crate) async fn after_run(inner: &Arc<Inner>, plan: &RunPlan) {
    let run_id = &plan.run_id;
    let sweep_id = match inner.with_store(|s| s.sweep_of(run_id)) {
        Ok(Some(id)) => id,
        Ok(None) => return,
        Err(e) => {
            eprintln!("easel: could not read run {run_id}'s sweep: {e}");
            return;
        }
    };
    match compose(inner, &sweep_id).await {
        Ok(Some(grid)) => inner.emit_run(plan, JobChange::SweepGrid { sweep_id, image: grid }),
        Ok(None) => {}
        Err(e) => eprintln!("easel: the grid of sweep {sweep_id} could not be made: {e}"),
    }
}

/// Composes `sweep_id`'s grid when every cell has ended and no one else has; the grid's path,
/// or None when it is not this caller's to make.
pub(crate) async fn compose(inner: &Arc<Inner>, sweep_id: &str) -> Result<Option<SavedImage>, EngineError> {
    if !inner.with_store(|s| s.claim_grid(sweep_id))? {
        return Ok(None);
    }
    let read = inner.with_store(|s| Ok((s.sweep(sweep_id)?, s.sweep_runs(sweep_id)?)));
    let (record, runs) = match read {
        Ok((Some(record), runs)) => (record, runs),
        Ok((None, _)) => return Err(EngineError::Store(format!("sweep {sweep_id} is not recorded"))),
        Err(e) => {
            inner.with_store(|s| s.finish_grid(sweep_id, None))?;
            return Err(e);
        }
    };
    let library = inner.library.clone();
    let backend = inner.backend.clone();
    let built = tokio::task::spawn_blocking(move || build(&library, &backend, &record, &runs))
        .await
        .map_err(|e| EngineError::Store(format!("composing the grid stopped: {e}")))
        .and_then(|r| r);
    match built {
        Ok((path, width, height)) => {
            let shown = path.to_string_lossy().to_string();
            inner.with_store(|s| s.finish_grid(sweep_id, Some(&shown)))?;
            let gallery = inner.gallery.clone();
            let file = path.clone();
            let id = match tokio::task::spawn_blocking(move || gallery.add_file(&file)).await {
                Ok(Ok(id)) => Some(id),
                _ => {
                    eprintln!("easel: the grid {shown} was saved but not indexed; a library rescan finds it");
                    None
                }
            };
            Ok(Some(SavedImage { id, path: shown, node_id: String::new(), width, height }))
        }
        Err(e) => {
            inner.with_store(|s| s.finish_grid(sweep_id, None))?;
            Err(e)
        }
    }
}

/// Decodes the cells, composes and saves the grid; its path and size.
fn build(
    library: &Path,
    backend: &str,
    record: &SweepRecord,
    runs: &[SweepRun],
) -> Result<(PathBuf, u32, u32), EngineError> {
    let unreadable =
        |what: &str, e: &dyn std::fmt::Display| EngineError::Store(format!("sweep {}: {what}: {e}", record.sweep_id));
    let sweep: Sweep = serde_json::from_str(&record.definition).map_err(|e| unreadable("definition", &e))?;
    let params = serde_json::from_str(&record.workflow).map_err(|e| unreadable("workflow", &e))?;
    let base = Workflow::from_stored_params(params)?;
    let labels = Labels {
        axes: sweep.axes.iter().map(|a| (a.title(&base), a.values.iter().map(|v| v.label.clone()).collect())).collect(),
    };
    // One image per cell: the first run of the cell that saved one (a batch count above one
    // makes several runs per cell).
    let mut cells: Vec<(Cell, Option<RgbImage>)> = sweep.cells().into_iter().map(|c| (c, None)).collect();
    let mut shown = Vec::new();
    for run in runs {
        let Some(slot) = cells.iter_mut().find(|(c, i)| *c == run.cell && i.is_none()) else { continue };
        let Some(path) = &run.image else { continue };
        match decode(Path::new(path)) {
            Ok(image) => {
                slot.1 = Some(image);
                shown.push(
                    json!({"x": run.cell.x, "y": run.cell.y, "z": run.cell.z, "runId": run.run_id, "image": path}),
                );
            }
            Err(e) => eprintln!("easel: sweep {}: cell image {path} left out: {e}", record.sweep_id),
        }
    }
    if shown.is_empty() {
        return Err(EngineError::Store(format!(
            "sweep {}: no cell saved an image, so there is no grid",
            record.sweep_id
        )));
    }
    let picture = grid::compose(&labels, &cells);
    let (y, m, d) = easel_library::civil_date(record.created_at);
    let short: String = record.sweep_id.chars().filter(|c| c.is_ascii_alphanumeric()).take(8).collect();
    let dest = library.join(format!("{y:04}-{m:02}-{d:02}")).join(format!("sweep-{short}-grid.png"));
    let easel = json!({
        "sweep": {"sweepId": record.sweep_id, "definition": sweep, "cells": shown, "width": picture.width(), "height": picture.height()},
        "workflow": record.name, "backend": backend, "createdAt": record.created_at, "savedAt": crate::store::unix_now(),
    })
    .to_string();
    let prompt = base.to_comfy_api().to_string();
    let mut text = vec![("prompt", prompt.as_str()), ("easel", easel.as_str())];
    if let Some(editor) = &record.editor {
        text.insert(1, ("workflow", editor.as_str()));
    }
    grid::save(&picture, &text, &dest)?;
    Ok((dest, picture.width(), picture.height()))
}

/// A cell's picture, decoded within a memory limit.
fn decode(path: &Path) -> Result<RgbImage, String> {
    let mut reader = image::ImageReader::open(path).map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_CELL_BYTES);
    reader.limits(limits);
    let reader = reader.with_guessed_format().map_err(|e| e.to_string())?;
    Ok(reader.decode().map_err(|e| e.to_string())?.to_rgb8())
}

impl Engine {
    /// A recorded sweep (its definition, base document and grid).
    pub fn sweep(&self, sweep_id: &str) -> Result<Option<SweepRecord>, EngineError> {
        self.inner.with_store(|s| s.sweep(sweep_id))
    }

    /// Composes, in the background, the grids of sweeps whose cells all ended but whose grid
    /// was never made: a process quit in between, or (`stale_claims`, at start-up only) died
    /// while composing. Composing twice is harmless: the same file is written atomically.
    pub(crate) fn compose_pending(&self, stale_claims: bool) {
        let pending = match self.inner.with_store(|s| s.sweeps_to_compose(stale_claims)) {
            Ok(pending) => pending,
            Err(e) => {
                eprintln!("easel: looking for sweeps to compose: {e}");
                return;
            }
        };
        for sweep_id in pending {
            let inner = self.inner.clone();
            self.inner.runtime.spawn(async move {
                if let Err(e) = compose(&inner, &sweep_id).await {
                    eprintln!("easel: the grid of sweep {sweep_id} could not be made: {e}");
                }
            });
        }
    }
}

impl Sweep {
    /// The sweep a grid picture was composed from (its `easel` chunk's `sweep.definition`), so
    /// "Run again" on a grid runs the sweep; `None` for any other picture, a cell included.
    pub fn of_grid_picture(png: &[u8]) -> Result<Option<Sweep>, EngineError> {
        let chunks = easel_workflow::png_text_chunks(png).map_err(|e| EngineError::BadSweep(e.to_string()))?;
        let Some((_, easel)) = chunks.iter().find(|(key, _)| key == "easel") else { return Ok(None) };
        let Ok(easel) = serde_json::from_str::<serde_json::Value>(easel) else { return Ok(None) };
        let Some(definition) = easel.get("sweep").and_then(|s| s.get("definition")) else { return Ok(None) };
        let sweep = Sweep::deserialize(definition)
            .map_err(|e| EngineError::BadSweep(format!("the grid's sweep definition is unreadable: {e}")))?;
        Ok(Some(sweep))
    }
}
