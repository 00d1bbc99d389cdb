//! What runs cost and how much a person lets them cost: the types of the spend ledger (credits per
//! run grouped by day, week, month, workflow or backend) and of the daily and monthly caps the
//! pipeline checks before anything is recorded. The ledger is read from the journal (`store::
//! ledger`), so the app, the CLI and any other process on one library see and obey the same
//! numbers. What it leaves out: the SQL (in `store::ledger`) and asking the person (front doors,
//! through `Hooks::over_cap`).
//!
//! What a run counts as, following the service's FAQ ("failed generations do not consume
//! credits") and, where it is silent, the stricter reading:
//! - succeeded: the credits the job reported, else its estimate;
//! - failed, or canceled before the service had a job: nothing;
//! - canceled with a job on the service: like succeeded, since whether a cancel refunds is not
//!   documented (tams-api.md section 5, [U]);
//! - queued or still on the service: its estimate, as pending (not yet charged, but counted
//!   against a cap so a long queue cannot run past it).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The largest cap a person can set: far above any plausible spend, and small enough that sums
/// of run credits never lose the cents.
pub const MAX_CAP: f64 = 1e9;

/// Credits a cap may be passed by before it counts as passed (float sums of run credits).
pub(crate) const CAP_SLACK: f64 = 1e-6;

/// The person's spend caps, in credits; `None` is no cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpendCaps {
    /// At most this much per local calendar day.
    pub daily: Option<f64>,
    /// At most this much per local calendar month.
    pub monthly: Option<f64>,
}

impl SpendCaps {
    /// The caps, or which one cannot be a cap (negative, not a number, absurdly large).
    pub fn validated(self) -> Result<SpendCaps, CapPeriod> {
        let fine = |cap: Option<f64>| cap.is_none_or(|c| c.is_finite() && (0.0..=MAX_CAP).contains(&c));
        if !fine(self.daily) {
            return Err(CapPeriod::Day);
        }
        if !fine(self.monthly) {
            return Err(CapPeriod::Month);
        }
        Ok(self)
    }
}

/// Which cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CapPeriod {
    /// The local calendar day.
    Day,
    /// The local calendar month.
    Month,
}

impl CapPeriod {
    /// Its stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            CapPeriod::Day => "daily",
            CapPeriod::Month => "monthly",
        }
    }
}

/// A batch that would take spend past a cap: what was spent (pending runs included), what the
/// batch is estimated at, and the cap.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CapBreach {
    /// The cap passed.
    pub period: CapPeriod,
    /// Credits spent in the period so far, plus the estimates of runs not yet finished.
    pub spent: f64,
    /// Credits of the batch asked for.
    pub estimate: f64,
    /// The cap.
    pub cap: f64,
}

/// How `spend` groups the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SpendBy {
    /// Local calendar day (`2026-12-02`).
    Day,
    /// Week starting on Monday, named by that Monday's date.
    Week,
    /// Local calendar month (`2026-12`).
    Month,
    /// The run's name (file, favourite or template).
    Workflow,
    /// The backend's label.
    Backend,
}

/// One group of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpendRow {
    /// The day, week, month, workflow name or backend.
    pub key: String,
    /// Runs recorded in the group.
    pub runs: u32,
    /// Runs that failed (they cost nothing).
    pub failed: u32,
    /// Credits charged (see the module's rules).
    pub charged: f64,
    /// Credits estimated before the runs, over every run of the group.
    pub estimated: f64,
    /// Estimates of the group's runs that have not finished yet.
    pub pending: f64,
}

/// The ledger, grouped.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SpendReport {
    /// How it is grouped.
    pub by: SpendBy,
    /// Groups, newest first for periods, largest charge first otherwise.
    pub rows: Vec<SpendRow>,
    /// All groups together.
    pub total: SpendRow,
    /// Spent today and this month (pending included), and the caps: what a cap check sees.
    pub today: f64,
    /// See `today`.
    pub this_month: f64,
    /// The caps in force.
    pub caps: SpendCaps,
}
