//! The request budget: at most `limit` requests in any sliding window of `window` (TAMS allows 5
//! per second). Every API call of every job passes one `Budget`. A budget made with
//! `Budget::for_service` is also shared by every Easel process on the machine that uses the same
//! credentials on the same service (the app, `easel run`, a `resume` right after a crash): its
//! window lives in a small file (see `shared`), so two processes together still send at most five
//! requests a second. A 429 that arrives anyway (another program on the key) closes the window
//! for everyone for the time the service asked. Requests are also spaced evenly, one every
//! `window / limit` (220 ms for TAMS), rather than sent in bursts of five: a request that stalls
//! between its grant and its arrival (a busy machine, network jitter) then cannot pack six into
//! a second the service counts, which a burst allows with only the window's 100 ms margin
//! (measured on a loaded 2-core machine: 6 in a second and a 429). The rate over a window is
//! the same. Fairness is FIFO inside a process; between processes it is whoever takes the file
//! lock first. Priorities are left out.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::shared::SharedWindow;

/// A sliding-window limit on requests, shared by reference (and, for `for_service`, by file).
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
    /// Set by a 429; a plain lock, so a hold-off lands even while a caller waits in `acquire`.
    closed_until: std::sync::Mutex<Option<Instant>>,
    shared: Option<SharedWindow>,
}

/// TAMS's documented limit: 5 requests per second.
pub const TAMS_REQUESTS_PER_WINDOW: usize = 5;

/// Kept over 1.1 s rather than 1 s: requests leave evenly but reach the service with network
/// jitter, and the margin keeps every 1 s window the service sees at 5 or fewer (measured: 6 in
/// one window without it).
pub const TAMS_WINDOW: Duration = Duration::from_millis(1100);

impl Budget {
    /// At most `limit` requests per `window` in this process only; a limit of 0 is treated as 1.
    pub fn new(limit: usize, window: Duration) -> Budget {
        Budget {
            limit: limit.max(1),
            window,
            sent: Mutex::new(VecDeque::new()),
            closed_until: std::sync::Mutex::new(None),
            shared: None,
        }
    }

    /// TAMS's limit in this process only (tests, benchmarks, a throwaway demo emulator).
    pub fn tams_default() -> Budget {
        Budget::new(TAMS_REQUESTS_PER_WINDOW, TAMS_WINDOW)
    }

    /// TAMS's limit shared by every process on this machine that talks to `base_url` with the
    /// credentials `identity` names (`Auth::budget_identity`). The window file lives in
    /// `budget_folder()`. If that file cannot be used the budget still holds inside this process.
    pub fn for_service(base_url: &str, identity: &str) -> Budget {
        let mut budget = Budget::tams_default();
        match SharedWindow::open(&budget_folder(), base_url, identity) {
            Ok(shared) => budget.shared = Some(shared),
            Err(e) => eprintln!("easel: the shared request budget is unavailable, limiting this process only: {e}"),
        }
        budget
    }

    /// Like `for_service`, with the window file in `folder` (tests use a folder of their own).
    pub fn shared_in(folder: &Path, base_url: &str, identity: &str) -> std::io::Result<Budget> {
        let mut budget = Budget::tams_default();
        budget.shared = Some(SharedWindow::open(folder, base_url, identity)?);
        Ok(budget)
    }

    /// Waits until one more request fits in the window, then records it as sent.
    pub async fn acquire(&self) {
        // Holding the local lock while waiting keeps this process's callers FIFO: nobody can
        // overtake, and only one of them at a time contends for the shared file.
        let mut sent = self.sent.lock().await;
        loop {
            let now = Instant::now();
            if let Some(until) = self.closed_until().filter(|u| *u > now) {
                tokio::time::sleep_until(until).await;
                continue;
            }
            while sent.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                sent.pop_front();
            }
            if sent.len() >= self.limit {
                if let Some(oldest) = sent.front().copied() {
                    tokio::time::sleep_until(oldest + self.window).await;
                }
                continue;
            }
            let gap = self.window / self.limit as u32;
            if let Some(newest) = sent.back().copied().filter(|t| now.duration_since(*t) < gap) {
                tokio::time::sleep_until(newest + gap).await;
                continue;
            }
            if let Some(shared) = &self.shared {
                match shared.take(self.limit, self.window).await {
                    Ok(None) => {}
                    Ok(Some(wait)) => {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    Err(e) => eprintln!("easel: shared request budget: {e}; limiting this process only"),
                }
            }
            sent.push_back(now);
            return;
        }
    }

    /// Closes the window for `pause` (the service answered 429): no caller of this budget, in any
    /// process sharing it, sends before it has passed.
    pub async fn hold_off(&self, pause: Duration) {
        let until = Instant::now() + pause;
        if let Some(shared) = &self.shared {
            if let Err(e) = shared.close_for(pause).await {
                eprintln!("easel: shared request budget: {e}");
            }
        }
        let mut closed = self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
        *closed = Some(closed.map_or(until, |u| u.max(until)));
    }

    fn closed_until(&self) -> Option<Instant> {
        // An `Option<Instant>` cannot be left half-written, so a poisoned lock is still valid.
        *self.closed_until.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Where shared windows live: `$EASEL_BUDGET_DIR`, else `$XDG_RUNTIME_DIR/easel` (a per-user
/// tmpfs emptied at boot, matching the boot-relative clock the file records), else the user's
/// cache folder, else the temp folder.
pub fn budget_folder() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("EASEL_BUDGET_DIR") {
        return dir;
    }
    if let Some(dir) = var("XDG_RUNTIME_DIR").filter(|d| d.is_dir()) {
        return dir.join("easel");
    }
    if let Some(dir) = var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache"))) {
        return dir.join("easel").join("budget");
    }
    std::env::temp_dir().join("easel-budget")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_at_most(times: &[Duration], limit: usize, window: Duration) {
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..].iter().take_while(|u| **u < *t + window).count();
            assert!(in_window <= limit, "{in_window} requests within {window:?} starting at {t:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn never_exceeds_the_limit_in_any_window() {
        let budget = std::sync::Arc::new(Budget::new(5, Duration::from_secs(1)));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..23 {
            let b = budget.clone();
            tasks.push(tokio::spawn(async move {
                b.acquire().await;
                Instant::now().duration_since(start)
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap());
        }
        times.sort();
        assert_at_most(&times, 5, Duration::from_secs(1));
        // 23 requests at 5/s, evenly spaced: one every 200 ms, the last at 22 × 200 ms.
        assert_eq!(times.last().copied(), Some(Duration::from_millis(4400)));
        assert!(times.windows(2).all(|w| w[1] - w[0] >= Duration::from_millis(200)), "{times:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_off_delays_the_next_request() {
        let budget = Budget::new(5, Duration::from_secs(1));
        let start = Instant::now();
        budget.hold_off(Duration::from_secs(3)).await;
        budget.acquire().await;
        assert!(Instant::now().duration_since(start) >= Duration::from_secs(3));
    }
}
