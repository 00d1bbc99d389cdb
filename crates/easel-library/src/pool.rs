//! The thumbnail worker pool: a few threads draining one queue, so saving or importing never
//! waits on pixels. Jobs are keyed by content hash and deduplicated while queued; `wait_idle`
//! lets callers (tests, the benchmark, an import that wants them all) wait for the queue to
//! empty, bounded by a timeout. Failures are counted, not retried: the lazy path retries on view.
//! `LazyGate` bounds that lazy path (a thumbnail made on the caller's thread when the window asks
//! for one not made yet): at most a few decodes at once, and one per hash, so a gallery scrolled
//! fast over unmade thumbnails cannot start hundreds of full-size decodes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::thumbnail::make_thumbnail;
use crate::LibraryError;

struct Job {
    key: String,
    source: PathBuf,
    dest: PathBuf,
}

#[derive(Default)]
struct Shared {
    queued: Mutex<HashSet<String>>,
    idle: Condvar,
    /// Notified after every finished job (the feeder waits on it for room).
    drained: Condvar,
    made: AtomicU64,
    failed: AtomicU64,
    stopping: AtomicBool,
}

/// Threads making thumbnails in the background.
pub(crate) struct ThumbnailPool {
    sender: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

/// A second way to queue jobs, for a thread that feeds the pool (the backfill): it sees how
/// many jobs wait and whether the pool is stopping, and never outlives the workers' use.
#[derive(Clone)]
pub(crate) struct Feeder {
    sender: Sender<Job>,
    shared: Arc<Shared>,
}

impl Feeder {
    /// Queues a job unless one with the same key is queued; false once the pool is stopping.
    pub fn request(&self, key: &str, source: PathBuf, dest: PathBuf) -> bool {
        if self.shared.stopping.load(Ordering::Relaxed) {
            return false;
        }
        let Ok(mut queued) = self.shared.queued.lock() else { return false };
        if queued.insert(key.to_string()) && self.sender.send(Job { key: key.to_string(), source, dest }).is_err() {
            queued.remove(key);
            return false;
        }
        true
    }

    /// Whether the pool is being dropped: the feeder must stop and drop its handle, since the
    /// workers wait for every handle to go before they end.
    pub fn stopping(&self) -> bool {
        self.shared.stopping.load(Ordering::Relaxed)
    }

    /// Waits until fewer than `ahead` jobs are queued, so a feeder never holds more than that
    /// many in memory; false once the pool is stopping.
    pub fn wait_below(&self, ahead: usize) -> bool {
        let Ok(mut queued) = self.shared.queued.lock() else { return false };
        while queued.len() >= ahead {
            if self.shared.stopping.load(Ordering::Relaxed) {
                return false;
            }
            // Workers notify when the queue empties; the timeout re-checks before that, when
            // only part of it drained.
            queued = match self.shared.drained.wait_timeout(queued, Duration::from_millis(20)) {
                Ok((guard, _)) => guard,
                Err(_) => return false,
            };
        }
        !self.shared.stopping.load(Ordering::Relaxed)
    }
}

impl ThumbnailPool {
    /// Starts `threads` workers (at least one).
    pub fn new(threads: usize) -> Self {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let shared = Arc::new(Shared::default());
        let workers = (0..threads.max(1))
            .map(|_| {
                let (receiver, shared) = (Arc::clone(&receiver), Arc::clone(&shared));
                std::thread::spawn(move || work(&receiver, &shared))
            })
            .collect();
        ThumbnailPool { sender: Some(sender), workers, shared }
    }

    /// Queues a thumbnail unless one with the same key is already queued.
    pub fn request(&self, key: &str, source: PathBuf, dest: PathBuf) {
        let Ok(mut queued) = self.shared.queued.lock() else { return };
        if !queued.insert(key.to_string()) {
            return;
        }
        let job = Job { key: key.to_string(), source, dest };
        if let Some(sender) = &self.sender {
            if sender.send(job).is_err() {
                // Every worker is gone (only while dropping); the lazy path will make it on view.
                queued.remove(key);
            }
        }
    }

    /// A handle for a thread that feeds this pool; none while dropping.
    pub fn feeder(&self) -> Option<Feeder> {
        self.sender.as_ref().map(|sender| Feeder { sender: sender.clone(), shared: Arc::clone(&self.shared) })
    }

    /// Waits until nothing is queued or running; false when `timeout` passed first.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let Ok(mut queued) = self.shared.queued.lock() else { return false };
        while !queued.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            queued = match self.shared.idle.wait_timeout(queued, left) {
                Ok((guard, _)) => guard,
                Err(_) => return false,
            };
        }
        true
    }

    /// Thumbnails made and failed since the pool started.
    pub fn counts(&self) -> (u64, u64) {
        (self.shared.made.load(Ordering::Relaxed), self.shared.failed.load(Ordering::Relaxed))
    }
}

fn work(receiver: &Mutex<Receiver<Job>>, shared: &Shared) {
    loop {
        let job = match receiver.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        if !shared.stopping.load(Ordering::Relaxed) && !job.dest.exists() {
            match make_thumbnail(&job.source, &job.dest) {
                Ok(()) => shared.made.fetch_add(1, Ordering::Relaxed),
                Err(_) => shared.failed.fetch_add(1, Ordering::Relaxed),
            };
        }
        if let Ok(mut queued) = shared.queued.lock() {
            queued.remove(&job.key);
            if queued.is_empty() {
                shared.idle.notify_all();
            }
            shared.drained.notify_all();
        }
    }
}

impl Drop for ThumbnailPool {
    fn drop(&mut self) {
        // Queued jobs are skipped, not made: closing the app must not wait on a long import.
        self.shared.stopping.store(true, Ordering::Relaxed);
        self.shared.drained.notify_all();
        self.sender = None;
        for worker in self.workers.drain(..) {
            // A worker that panicked has nothing left to clean up; joining the rest matters.
            let _ = worker.join();
        }
    }
}

/// How long a lazy request waits for a decode slot or for another caller's decode of the same
/// hash before it gives up (the window shows a placeholder and asks again on the next view).
const LAZY_WAIT: Duration = Duration::from_secs(30);

/// At most `limit` lazy decodes at once, and never two of one hash.
pub(crate) struct LazyGate {
    busy: Mutex<HashSet<String>>,
    changed: Condvar,
    limit: usize,
}

impl LazyGate {
    pub fn new(limit: usize) -> Self {
        LazyGate { busy: Mutex::new(HashSet::new()), changed: Condvar::new(), limit: limit.max(1) }
    }

    /// Makes `dest` from `source` unless it exists, waiting for a slot; a caller asking for a
    /// hash another caller is making waits for that one instead of decoding it again.
    pub fn make(&self, key: &str, source: &Path, dest: &Path) -> Result<(), LibraryError> {
        let deadline = Instant::now() + LAZY_WAIT;
        let poisoned = || LibraryError::Invalid("the thumbnail gate was poisoned by a panic".into());
        let mut busy = self.busy.lock().map_err(|_| poisoned())?;
        loop {
            if dest.exists() {
                return Ok(());
            }
            if !busy.contains(key) && busy.len() < self.limit {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(LibraryError::Invalid(format!("thumbnail {key} is still being made; try again")));
            }
            busy = self.changed.wait_timeout(busy, left).map_err(|_| poisoned())?.0;
        }
        busy.insert(key.to_string());
        drop(busy);
        let made = make_thumbnail(source, dest);
        let mut busy = self.busy.lock().map_err(|_| poisoned())?;
        busy.remove(key);
        self.changed.notify_all();
        made
    }
}
