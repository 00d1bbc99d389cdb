//! The run queue: runs wait here, in an order people can change, until one of `concurrency`
//! slots is free and the queue is not paused (a pause holds back new submissions; runs already
//! on the service go on). A pending run can be canceled before it ever reaches the service. The
//! queue only orders and counts; it knows nothing of HTTP or the database.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use tokio::sync::Notify;

/// What a waiting run is told when its wait ends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Turn {
    /// A slot is held: go. Call `Queue::finished` when done.
    Go,
    /// Canceled while pending: never submit.
    Canceled,
}

#[derive(Debug)]
struct State {
    concurrency: usize,
    running: usize,
    pending: VecDeque<String>,
    canceled: HashSet<String>,
    paused: bool,
}

/// Pending runs in order, and the count of running ones.
#[derive(Debug)]
pub(crate) struct Queue {
    state: Mutex<State>,
    changed: Notify,
}

impl Queue {
    pub(crate) fn new(concurrency: usize) -> Queue {
        Queue {
            state: Mutex::new(State {
                concurrency: concurrency.max(1),
                running: 0,
                pending: VecDeque::new(),
                canceled: HashSet::new(),
                paused: false,
            }),
            changed: Notify::new(),
        }
    }

    /// Appends a run at the back.
    pub(crate) fn push(&self, run_id: &str) {
        self.with(|s| s.pending.push_back(run_id.to_string()));
    }

    /// Waits until `run_id` is first in line and a slot is free (or it is canceled).
    pub(crate) async fn wait_turn(&self, run_id: &str) -> Turn {
        loop {
            // Registered before the check so a change between check and wait is not missed.
            let notified = self.changed.notified();
            let turn = self.with(|s| {
                if s.canceled.remove(run_id) {
                    s.pending.retain(|r| r != run_id);
                    return Some(Turn::Canceled);
                }
                if !s.paused && s.running < s.concurrency && s.pending.front().map(String::as_str) == Some(run_id) {
                    s.pending.pop_front();
                    s.running += 1;
                    return Some(Turn::Go);
                }
                None
            });
            match turn {
                Some(turn) => {
                    // The next run in line may now be first: let it look.
                    self.changed.notify_waiters();
                    return turn;
                }
                None => notified.await,
            }
        }
    }

    /// Gives a slot back.
    pub(crate) fn finished(&self) {
        self.with(|s| s.running = s.running.saturating_sub(1));
        self.changed.notify_waiters();
    }

    /// Cancels a pending run; `false` when it is not pending (running or unknown).
    pub(crate) fn cancel_pending(&self, run_id: &str) -> bool {
        let pending = self.with(|s| {
            let found = s.pending.iter().any(|r| r == run_id);
            if found {
                s.canceled.insert(run_id.to_string());
            }
            found
        });
        self.changed.notify_waiters();
        pending
    }

    /// Puts the listed pending runs first, in the given order; others keep their order after them.
    pub(crate) fn reorder(&self, first: &[String]) {
        self.with(|s| {
            let mut ordered: VecDeque<String> = first.iter().filter(|r| s.pending.contains(r)).cloned().collect();
            ordered.extend(s.pending.iter().filter(|r| !first.contains(r)).cloned());
            s.pending = ordered;
        });
        self.changed.notify_waiters();
    }

    /// Puts the listed pending runs last, in the given order.
    pub(crate) fn send_back(&self, last: &[String]) {
        self.with(|s| {
            let mut ordered: VecDeque<String> = s.pending.iter().filter(|r| !last.contains(r)).cloned().collect();
            ordered.extend(last.iter().filter(|r| s.pending.contains(r)).cloned());
            s.pending = ordered;
        });
        self.changed.notify_waiters();
    }

    /// Holds back (or lets go) every pending run.
    pub(crate) fn set_paused(&self, paused: bool) {
        self.with(|s| s.paused = paused);
        self.changed.notify_waiters();
    }

    /// Whether pending runs are held back.
    pub(crate) fn paused(&self) -> bool {
        self.with(|s| s.paused)
    }

    /// Pending run ids, next first.
    pub(crate) fn pending(&self) -> Vec<String> {
        self.with(|s| s.pending.iter().cloned().collect())
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A panic while holding this lock cannot leave the counts half-updated (every update is
        // one statement), so a poisoned lock is safe to keep using.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut state)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn runs_in_order_within_the_slot_limit_and_cancels_pending() {
        let queue = Arc::new(Queue::new(1));
        for id in ["a", "b", "c"] {
            queue.push(id);
        }
        queue.reorder(&["c".to_string()]);
        assert_eq!(queue.pending(), ["c", "a", "b"]);
        assert_eq!(queue.wait_turn("c").await, Turn::Go);
        let q = queue.clone();
        let a = tokio::spawn(async move { q.wait_turn("a").await });
        assert!(queue.cancel_pending("b"));
        assert_eq!(queue.wait_turn("b").await, Turn::Canceled);
        assert!(!a.is_finished(), "a waits while c holds the only slot");
        queue.finished();
        assert_eq!(a.await.unwrap(), Turn::Go);
        assert!(queue.pending().is_empty());
    }

    #[tokio::test]
    async fn a_paused_queue_holds_runs_back_until_resumed_and_sends_runs_to_the_back() {
        let queue = Arc::new(Queue::new(2));
        for id in ["a", "b", "c"] {
            queue.push(id);
        }
        queue.send_back(&["a".to_string()]);
        assert_eq!(queue.pending(), ["b", "c", "a"]);
        queue.set_paused(true);
        let q = queue.clone();
        let b = tokio::spawn(async move { q.wait_turn("b").await });
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!b.is_finished(), "nothing starts while paused, with slots free");
        assert!(queue.cancel_pending("c"), "a paused run can still be canceled");
        assert_eq!(queue.wait_turn("c").await, Turn::Canceled);
        queue.set_paused(false);
        assert_eq!(b.await.unwrap(), Turn::Go);
        assert_eq!(queue.pending(), ["a"]);
    }
}
