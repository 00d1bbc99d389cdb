//! Which process drives a run. Several Easel processes may share one library folder (the app and
//! a script, two scripts); each recorded run belongs to the process that started or resumed it,
//! so a `resume` in one never takes over the live runs of another (which then fail in both, with
//! the journal saying "failed" for runs whose images were saved). An owner is one engine:
//! `<boot id>:<pid>:<process start time>:<engine>`. On the same machine a run whose owner process
//! is gone (a crash, SIGKILL; a zombie nobody reaped counts as gone) may be taken at once; for
//! another engine of this same process, for owners on another machine (a shared folder), or where
//! `/proc` cannot tell, the owner's heartbeat decides: a run not heard of for `LEASE` is free. The
//! heartbeat is written every `HEARTBEAT` while the engine lives.

use std::time::Duration;

/// How often an engine tells the journal its runs are still driven.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

/// How long without a heartbeat before another process may take a run over.
pub const LEASE: Duration = Duration::from_secs(60);

/// A new engine of this process, as a run owner.
pub(crate) fn new_owner() -> String {
    let pid = std::process::id();
    let started = process(pid).map(|p| p.started).unwrap_or_default();
    format!("{}:{pid}:{started}:{}", boot_id(), uuid::Uuid::new_v4().simple())
}

/// Whether a run owned by `owner`, last heard of at `heartbeat` (unix seconds), may be taken by
/// this process at `now`.
pub(crate) fn claimable(owner: Option<&str>, heartbeat: Option<i64>, me: &str, now: i64) -> bool {
    let Some(owner) = owner.filter(|o| !o.is_empty()) else { return true };
    if owner == me {
        return true;
    }
    let stale = heartbeat.is_none_or(|beat| now - beat >= LEASE.as_secs() as i64);
    let mut parts = owner.splitn(4, ':');
    let (Some(boot), Some(pid), Some(started)) = (parts.next(), parts.next(), parts.next()) else { return stale };
    if boot != boot_id() || boot.is_empty() {
        return stale;
    }
    let Ok(pid) = pid.parse::<u32>() else { return stale };
    if pid == std::process::id() {
        // Another engine of this process: alive for as long as it beats.
        return stale;
    }
    match process(pid) {
        // The same pid started at the same time and still running: the owner lives.
        Some(p) if p.started == started && !p.ended => false,
        // Gone, ended but not yet reaped (a killed process whose parent died before waiting for
        // it stays a zombie for as long as init leaves it, which in containers can be forever),
        // or the pid was reused by another process.
        Some(_) | None if std::path::Path::new("/proc/self/stat").exists() => true,
        _ => stale,
    }
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id").map(|s| s.trim().to_string()).unwrap_or_default()
}

/// What `/proc/<pid>/stat` says of a process.
struct Process {
    /// Field 22, the start time in clock ticks after boot: a pid plus its start time names one
    /// process, even after the pid is reused.
    started: String,
    /// Field 3 says it has exited (zombie `Z`, dead `X`): it drives nothing any more.
    ended: bool,
}

fn process(pid: u32) -> Option<Process> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?;
    let started = fields.nth(18)?.to_string();
    Some(Process { started, ended: matches!(state, "Z" | "X" | "x") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_owners_keep_their_runs_and_dead_ones_lose_them() {
        let me = new_owner();
        let now = 1_000_000;
        assert!(claimable(None, None, &me, now), "an unowned run is free");
        assert!(claimable(Some(&me), Some(now), &me, now), "our own run");
        // The parent of this test process is alive (it is running the tests).
        let parent = std::os::unix::process::parent_id();
        let live = format!("{}:{parent}:{}:e1", boot_id(), process(parent).unwrap().started);
        assert!(!claimable(Some(&live), Some(now), &me, now), "a live owner keeps its run");
        assert!(!claimable(Some(&live), Some(now - 3600), &me, now), "even with an old heartbeat");
        let dead = format!("{}:{parent}:1:e1", boot_id());
        let sibling = new_owner();
        assert!(!claimable(Some(&sibling), Some(now - 10), &me, now), "another engine here, beating");
        assert!(claimable(Some(&sibling), Some(now - 61), &me, now), "another engine here, silent");
        assert!(claimable(Some(&dead), Some(now), &me, now), "a reused pid is not the owner");
        let elsewhere = "another-machine:42:7:e1";
        assert!(!claimable(Some(elsewhere), Some(now - 10), &me, now), "a fresh heartbeat elsewhere");
        assert!(claimable(Some(elsewhere), Some(now - 61), &me, now), "a stale heartbeat elsewhere");
    }

    #[test]
    fn an_owner_that_exited_but_was_never_reaped_is_gone() {
        let me = new_owner();
        let now = 1_000_000;
        // A child that exits at once and is not waited for stays a zombie until `wait`.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let started = process(pid).unwrap().started;
        let mut tries = 0;
        while !process(pid).unwrap().ended {
            tries += 1;
            assert!(tries < 500, "the child did not exit within 5 s");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let zombie = format!("{}:{pid}:{started}:e1", boot_id());
        assert!(claimable(Some(&zombie), Some(now), &me, now), "a zombie drives nothing");
        child.wait().unwrap();
        assert!(claimable(Some(&zombie), Some(now), &me, now), "nor does a reaped process");
    }
}
