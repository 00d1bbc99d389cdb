//! The journal's spend queries and the stored caps (`spend` has the rules and the types). Local
//! calendar days, weeks and months are computed by SQLite (`'localtime'`), so no time-zone code
//! lives here. A run is counted in the period it ended in (when it was charged), or the one it was
//! recorded in while it has not ended.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::spend::{CapBreach, CapPeriod, SpendBy, SpendCaps, SpendReport, SpendRow, CAP_SLACK};
use crate::EngineError;

/// Credits a run counts as charged (see `spend`).
const CHARGED: &str = "CASE
    WHEN status = 'succeeded' THEN COALESCE(credits, estimate, 0)
    WHEN status = 'canceled' AND job_id IS NOT NULL THEN COALESCE(credits, estimate, 0)
    ELSE 0 END";

/// Credits a run counts as pending: its estimate until it ends.
const PENDING: &str = "CASE WHEN status IN ('queued', 'submitted') THEN COALESCE(estimate, 0) ELSE 0 END";

/// The quarter hour a run counts in (when it ended, else when it was recorded): the leading key of the `runs_ledger` index. Every time zone's
/// offset is a multiple of 15 minutes, so a quarter hour never straddles a local midnight.
const QUARTER: &str = "COALESCE(ended_at, created_at) / 900";

/// Runs counted from unix second `?1` on, as an index range: the quarter first (which the index
/// can seek), then the exact second.
const FROM_P1: &str = "COALESCE(ended_at, created_at) / 900 >= ?1 / 900 AND COALESCE(ended_at, created_at) >= ?1";

/// Unix seconds of the start of the local day or month `now` is in.
fn period_start(period: CapPeriod) -> &'static str {
    match period {
        CapPeriod::Day => "CAST(strftime('%s', 'now', 'localtime', 'start of day', 'utc') AS INTEGER)",
        CapPeriod::Month => "CAST(strftime('%s', 'now', 'localtime', 'start of month', 'utc') AS INTEGER)",
    }
}

impl Store {
    /// The caps in force on this library.
    pub fn spend_caps(&self) -> Result<SpendCaps, EngineError> {
        let cap = |period: CapPeriod| {
            self.conn
                .query_row("SELECT credits FROM spend_caps WHERE period = ?1", [period.as_str()], |r| r.get(0))
                .optional()
                .map_err(EngineError::sql)
        };
        Ok(SpendCaps { daily: cap(CapPeriod::Day)?, monthly: cap(CapPeriod::Month)? })
    }

    /// Replaces the caps (validated first: a bad one changes nothing).
    pub fn set_spend_caps(&self, caps: SpendCaps) -> Result<(), EngineError> {
        let caps = caps.validated().map_err(|period| EngineError::BadCap(period.as_str()))?;
        let tx = self.conn.unchecked_transaction().map_err(EngineError::sql)?;
        for (period, cap) in [(CapPeriod::Day, caps.daily), (CapPeriod::Month, caps.monthly)] {
            match cap {
                Some(credits) => tx.execute(
                    "INSERT INTO spend_caps (period, credits) VALUES (?1, ?2)
                     ON CONFLICT (period) DO UPDATE SET credits = excluded.credits",
                    params![period.as_str(), credits],
                ),
                None => tx.execute("DELETE FROM spend_caps WHERE period = ?1", [period.as_str()]),
            }
            .map_err(EngineError::sql)?;
        }
        tx.commit().map_err(EngineError::sql)
    }

    /// Credits spent in the current local day or month, plus every unfinished run's estimate.
    /// Both sums read index ranges (`runs_ledger`, `runs_unfinished`), not the whole journal.
    pub fn spent_in(&self, period: CapPeriod) -> Result<f64, EngineError> {
        let start: i64 = self
            .conn
            .query_row(&format!("SELECT {}", period_start(period)), [], |r| r.get(0))
            .map_err(EngineError::sql)?;
        let sql = format!(
            "SELECT COALESCE((SELECT SUM({CHARGED}) FROM runs INDEXED BY runs_ledger WHERE {FROM_P1}), 0)
                  + COALESCE((SELECT SUM(COALESCE(estimate, 0)) FROM runs WHERE status IN ('queued', 'submitted')), 0)"
        );
        self.conn.query_row(&sql, [start], |r| r.get(0)).map_err(EngineError::sql)
    }

    /// The first cap (daily before monthly) that `total` more credits would pass, if any.
    pub fn cap_breach(&self, total: f64) -> Result<Option<CapBreach>, EngineError> {
        let caps = self.spend_caps()?;
        for (period, cap) in [(CapPeriod::Day, caps.daily), (CapPeriod::Month, caps.monthly)] {
            let Some(cap) = cap else { continue };
            let spent = self.spent_in(period)?;
            if spent + total > cap + CAP_SLACK {
                return Ok(Some(CapBreach { period, spent, estimate: total, cap }));
            }
        }
        Ok(None)
    }

    /// The ledger grouped `by`, counting runs from `since` (unix seconds) on.
    pub fn spend(&self, by: SpendBy, since: Option<i64>) -> Result<SpendReport, EngineError> {
        // Runs are summed first per quarter hour (`QUARTER`, in index order), and only those sums
        // get the costly local-time conversion: 8,640 conversions for 90 days, not one per run.
        let bucket = "k * 900, 'unixepoch', 'localtime'";
        let (inner, outer, order) = match by {
            SpendBy::Day => (QUARTER.to_string(), format!("date({bucket})"), "key DESC"),
            // 'weekday 0' moves to the coming Sunday (or stays on one); six days back is its Monday.
            SpendBy::Week => (QUARTER.to_string(), format!("date({bucket}, 'weekday 0', '-6 days')"), "key DESC"),
            SpendBy::Month => (QUARTER.to_string(), format!("strftime('%Y-%m', {bucket})"), "key DESC"),
            SpendBy::Workflow => ("name".to_string(), "k".to_string(), "charged DESC, key"),
            SpendBy::Backend => ("backend".to_string(), "k".to_string(), "charged DESC, key"),
        };
        // The covering index, named: the planner would otherwise take `runs_by_name` for a
        // grouping by name and read every run's document from the table.
        let sql = format!(
            "SELECT {outer} AS key, SUM(n), SUM(f), SUM(c) AS charged, SUM(e), SUM(p) FROM (
                 SELECT {inner} AS k, COUNT(*) AS n, SUM(status = 'failed') AS f, SUM({CHARGED}) AS c,
                        SUM(COALESCE(estimate, 0)) AS e, SUM({PENDING}) AS p
                 FROM runs INDEXED BY runs_ledger WHERE {FROM_P1} GROUP BY {inner})
             GROUP BY key ORDER BY {order}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(EngineError::sql)?;
        let rows = stmt
            .query_map([since.unwrap_or(i64::MIN)], |r| {
                Ok(SpendRow {
                    key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    runs: r.get(1)?,
                    failed: r.get(2)?,
                    charged: r.get(3)?,
                    estimated: r.get(4)?,
                    pending: r.get(5)?,
                })
            })
            .map_err(EngineError::sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(EngineError::sql)?;
        let mut total =
            SpendRow { key: "total".into(), runs: 0, failed: 0, charged: 0.0, estimated: 0.0, pending: 0.0 };
        for row in &rows {
            total.runs += row.runs;
            total.failed += row.failed;
            total.charged += row.charged;
            total.estimated += row.estimated;
            total.pending += row.pending;
        }
        Ok(SpendReport {
            by,
            rows,
            total,
            today: self.spent_in(CapPeriod::Day)?,
            this_month: self.spent_in(CapPeriod::Month)?,
            caps: self.spend_caps()?,
        })
    }
}

impl Store {
    /// Unix seconds of the start of local calendar day `date` (`YYYY-MM-DD`), or `None` when it
    /// is not such a date.
    pub fn local_day_start(&self, date: &str) -> Result<Option<i64>, EngineError> {
        let shaped = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shaped {
            return Ok(None);
        }
        // SQLite normalises 2026-02-30 to March: a date that does not come back the same is not one.
        self.conn
            .query_row(
                "SELECT CASE WHEN date(?1) = ?1 THEN CAST(strftime('%s', ?1, 'utc') AS INTEGER) END",
                [date],
                |r| r.get(0),
            )
            .map_err(EngineError::sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_run, NewRun};

    fn store_with(ids: &[&str], estimate: f64) -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("easel.sqlite")).unwrap();
        let rows: Vec<NewRun<'_>> = ids.iter().map(|id| test_run(id, "{}", estimate)).collect();
        store.insert_runs(&rows, None).unwrap();
        (store, dir)
    }

    #[test]
    fn queued_runs_count_against_a_cap_and_failed_ones_never() {
        let (store, _dir) = store_with(&["done", "failed", "queued", "dropped", "stopped"], 2.0);
        store.finish_run("done", "succeeded", Some(2.5), None).unwrap();
        store.finish_run("failed", "failed", None, Some(("jobFailed", "no"))).unwrap();
        store.finish_run("dropped", "canceled", None, None).unwrap();
        store.set_job_id("stopped", "7").unwrap();
        store.finish_run("stopped", "canceled", None, None).unwrap();
        // succeeded 2.5 (actual), canceled on the service 2.0 (its estimate), queued 2.0 pending.
        assert_eq!(store.spent_in(CapPeriod::Day).unwrap(), 6.5);
        assert_eq!(store.cap_breach(3.5).unwrap(), None);
        store.set_spend_caps(SpendCaps { daily: Some(10.0), monthly: Some(12.0) }).unwrap();
        assert_eq!(store.cap_breach(3.5).unwrap(), None, "exactly at a cap is not past it");
        let breach = store.cap_breach(3.6).unwrap().unwrap();
        assert_eq!((breach.period, breach.spent, breach.cap), (CapPeriod::Day, 6.5, 10.0));
        store.set_spend_caps(SpendCaps { daily: None, monthly: Some(8.0) }).unwrap();
        assert_eq!(store.cap_breach(1.6).unwrap().unwrap().period, CapPeriod::Month);
        store.set_spend_caps(SpendCaps { daily: Some(10.0), monthly: None }).unwrap();
        // The journal's own re-check refuses a batch that no longer fits.
        let late = test_run("late", "{}", 4.0);
        assert!(matches!(store.insert_runs(&[late], Some(4.0)), Err(EngineError::OverSpendCap(_))));
        assert!(store.run("late").unwrap().is_none());
        let report = store.spend(SpendBy::Day, None).unwrap();
        assert_eq!((report.total.runs, report.total.failed), (5, 1));
        assert_eq!((report.total.charged, report.total.pending), (4.5, 2.0));
    }

    #[test]
    fn weeks_start_on_monday_and_dates_are_checked() {
        let (store, _dir) = store_with(&["a"], 1.0);
        let monday = |date: &str| -> String {
            let day = store.local_day_start(date).unwrap().unwrap();
            store.conn.execute("UPDATE runs SET created_at = ?1, ended_at = NULL", [day + 3600]).unwrap();
            store.spend(SpendBy::Week, None).unwrap().rows[0].key.clone()
        };
        assert_eq!(monday("2026-11-30"), "2026-11-30", "a Monday is its own week");
        assert_eq!(monday("2026-12-06"), "2026-11-30", "Sunday ends the week");
        assert_eq!(monday("2026-12-02"), "2026-11-30");
        assert_eq!(store.local_day_start("2026-02-30").unwrap(), None);
        assert_eq!(store.local_day_start("yesterday").unwrap(), None);
        let since = store.local_day_start("2026-12-07").unwrap();
        assert!(store.spend(SpendBy::Day, since).unwrap().rows.is_empty());
    }
}
