//! The journal's sweeps: each sweep's definition and base document (written with its runs, in
//! their transaction), each run's cell, and the grid's state, claimed by one process at a time
//! so two engines finishing the last cells at once compose it once. Leaves out composing (the
//! engine's `sweep::grid`).

use rusqlite::{params, OptionalExtension, Transaction};

use super::Store;
use crate::{Cell, EngineError};

/// A sweep about to be recorded with its runs.
#[derive(Debug)]
pub(crate) struct NewSweep<'a> {
    pub sweep_id: &'a str,
    pub name: &'a str,
    /// The `Sweep` as JSON.
    pub definition: &'a str,
    /// The base graph's TAMS params as JSON (before any cell's values).
    pub workflow: &'a str,
    pub editor: Option<&'a str>,
    /// The cell of each run of the batch, in batch order.
    pub cells: &'a [Cell],
}

/// A recorded sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRecord {
    pub sweep_id: String,
    pub name: String,
    pub definition: String,
    pub workflow: String,
    pub editor: Option<String>,
    pub created_at: i64,
    /// Null until composed; `composing`, `done` or `failed`.
    pub grid_state: Option<String>,
    pub grid_path: Option<String>,
}

/// One cell's run as the grid needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRun {
    pub run_id: String,
    pub cell: Cell,
    pub status: String,
    /// Its first saved image, if any.
    pub image: Option<String>,
}

pub(super) fn insert(tx: &Transaction<'_>, sweep: &NewSweep<'_>, now: i64) -> Result<(), EngineError> {
    tx.execute(
        "INSERT INTO sweeps (sweep_id, name, definition, workflow, editor, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![sweep.sweep_id, sweep.name, sweep.definition, sweep.workflow, sweep.editor, now],
    )
    .map(drop)
    .map_err(EngineError::sql)
}

pub(super) fn place(tx: &Transaction<'_>, sweep: &NewSweep<'_>, run_id: &str, index: usize) -> Result<(), EngineError> {
    let cell = sweep.cells.get(index).ok_or_else(|| EngineError::Store(format!("sweep run {index} has no cell")))?;
    let cell = serde_json::to_string(cell).map_err(|e| EngineError::Store(e.to_string()))?;
    tx.execute(
        "UPDATE runs SET sweep_id = ?2, sweep_cell = ?3 WHERE run_id = ?1",
        params![run_id, sweep.sweep_id, cell],
    )
    .map(drop)
    .map_err(EngineError::sql)
}

impl Store {
    /// The sweep a run belongs to, if any.
    pub fn sweep_of(&self, run_id: &str) -> Result<Option<String>, EngineError> {
        self.conn
            .query_row("SELECT sweep_id FROM runs WHERE run_id = ?1", [run_id], |r| r.get::<_, Option<String>>(0))
            .optional()
            .map(Option::flatten)
            .map_err(EngineError::sql)
    }

    /// The sweep and cell a run belongs to, if any (a cell that cannot be read: none).
    pub fn sweep_cell_of(&self, run_id: &str) -> Result<Option<(String, Cell)>, EngineError> {
        let row: Option<(Option<String>, Option<String>)> = self
            .conn
            .query_row("SELECT sweep_id, sweep_cell FROM runs WHERE run_id = ?1", [run_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(EngineError::sql)?;
        Ok(match row {
            Some((Some(id), Some(cell))) => serde_json::from_str(&cell).ok().map(|cell| (id, cell)),
            _ => None,
        })
    }

    /// A recorded sweep.
    pub fn sweep(&self, sweep_id: &str) -> Result<Option<SweepRecord>, EngineError> {
        self.conn
            .query_row(
                "SELECT sweep_id, name, definition, workflow, editor, created_at, grid_state, grid_path FROM sweeps WHERE sweep_id = ?1",
                [sweep_id],
                |r| {
                    Ok(SweepRecord {
                        sweep_id: r.get(0)?,
                        name: r.get(1)?,
                        definition: r.get(2)?,
                        workflow: r.get(3)?,
                        editor: r.get(4)?,
                        created_at: r.get(5)?,
                        grid_state: r.get(6)?,
                        grid_path: r.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(EngineError::sql)
    }

    /// Every run of a sweep with its cell, status and first image. A run whose cell cannot be
    /// read is left out (its tile shows as missing), never fatal.
    pub fn sweep_runs(&self, sweep_id: &str) -> Result<Vec<SweepRun>, EngineError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.run_id, r.sweep_cell, r.status,
                        (SELECT path FROM images i WHERE i.run_id = r.run_id ORDER BY i.id LIMIT 1)
                 FROM runs r WHERE r.sweep_id = ?1 ORDER BY r.created_at, r.rowid",
            )
            .map_err(EngineError::sql)?;
        let rows = stmt
            .query_map([sweep_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?, r.get(3)?))
            })
            .map_err(EngineError::sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (run_id, cell, status, image) = row.map_err(EngineError::sql)?;
            let Some(cell) = cell.and_then(|c| serde_json::from_str::<Cell>(&c).ok()) else { continue };
            out.push(SweepRun { run_id, cell, status, image });
        }
        Ok(out)
    }

    /// Claims the grid of a sweep whose runs have all finished: true for exactly one caller.
    pub fn claim_grid(&self, sweep_id: &str) -> Result<bool, EngineError> {
        self.conn
            .execute(
                "UPDATE sweeps SET grid_state = 'composing' WHERE sweep_id = ?1 AND grid_state IS NULL
                 AND NOT EXISTS (SELECT 1 FROM runs WHERE sweep_id = ?1 AND status NOT IN ('succeeded', 'failed', 'canceled'))",
                [sweep_id],
            )
            .map(|n| n == 1)
            .map_err(EngineError::sql)
    }

    /// Records how composing the grid ended (`done` with its path, or `failed`).
    pub fn finish_grid(&self, sweep_id: &str, path: Option<&str>) -> Result<(), EngineError> {
        let state = if path.is_some() { "done" } else { "failed" };
        self.conn
            .execute(
                "UPDATE sweeps SET grid_state = ?2, grid_path = ?3 WHERE sweep_id = ?1",
                params![sweep_id, state, path],
            )
            .map(drop)
            .map_err(EngineError::sql)
    }

    /// Sweeps whose runs have all finished but whose grid was never composed (a process that
    /// quit in between). With `stale_claims`, grids left `composing` are released first and
    /// listed too (at start-up: the process that claimed one most likely died).
    pub fn sweeps_to_compose(&self, stale_claims: bool) -> Result<Vec<String>, EngineError> {
        if stale_claims {
            self.conn
                .execute("UPDATE sweeps SET grid_state = NULL WHERE grid_state = 'composing'", [])
                .map_err(EngineError::sql)?;
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT sweep_id FROM sweeps s WHERE grid_state IS NULL
                 AND NOT EXISTS (SELECT 1 FROM runs WHERE sweep_id = s.sweep_id AND status NOT IN ('succeeded', 'failed', 'canceled'))",
            )
            .map_err(EngineError::sql)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(EngineError::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(EngineError::sql)
    }
}
