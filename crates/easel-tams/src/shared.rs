//! The machine-wide half of the request budget: one small text file per (service, credentials)
//! that lists when the last requests were granted, when each one's answer came (see `Budget`:
//! a request leaves the window one window after that), and until when a 429 closed the window. Every
//! process takes an exclusive lock on a companion `.lock` file (never replaced, so the lock
//! always refers to one inode), reads the list, and either records its request or learns how
//! long to wait; the list is rewritten through a temporary file and a rename, so a crash mid-write
//! leaves the previous list. Times are `CLOCK_BOOTTIME` nanoseconds: the same clock in every
//! process, immune to wall-clock changes; entries from another boot (in the future) are dropped.
//! The file name is a hash of the service URL and the credential identity, never the key.
//! Why a file and not the journal database: processes on one key may use different library
//! folders, and a lock held for microseconds is cheaper than a SQLite write per request.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// Longest list kept: far more than any limit a service would grant.
const MAX_ENTRIES: usize = 64;
/// Longest state file read; anything bigger is not ours and is treated as empty.
const MAX_FILE_BYTES: u64 = 4096;
/// Longest hold-off a 429 can impose on other processes.
const MAX_CLOSE: Duration = Duration::from_secs(60);
/// How long a request whose end was never written (its process died mid-request) keeps its
/// place: longer than any request's timeout (60 s), so a live one is never dropped early.
const MAX_IN_FLIGHT: Duration = Duration::from_secs(120);
/// How often a caller facing a full window of requests in flight in other processes looks
/// again (their ends cannot ring this process's bell).
const IN_FLIGHT_POLL: Duration = Duration::from_millis(20);

/// The shared window of one service and credential, on disk.
#[derive(Debug, Clone)]
pub(crate) struct SharedWindow {
    inner: Arc<Files>,
}

#[derive(Debug)]
struct Files {
    /// Held open; locking it is the cross-process mutex. The std mutex keeps two tasks of this
    /// process from racing each other (flock is per open file, so it would let both in).
    lock: Mutex<File>,
    state: PathBuf,
}

#[derive(Debug, Default, PartialEq)]
struct State {
    closed_until: u64,
    sent: Vec<Entry>,
}

/// One granted request: when, and when its grant ended (0 while in flight).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    granted: u64,
    ended: u64,
}

impl Entry {
    /// True while the request still counts against the window at `now`.
    fn counts(&self, now: u64, window_ns: u64) -> bool {
        if self.granted > now {
            // From another boot: the clock restarted.
            return false;
        }
        match self.ended {
            0 => now - self.granted < MAX_IN_FLIGHT.as_nanos() as u64,
            ended => ended.saturating_add(window_ns) > now,
        }
    }
}

impl SharedWindow {
    /// Opens (creating) the window files of `base_url` + `identity` in `folder`.
    pub(crate) fn open(folder: &Path, base_url: &str, identity: &str) -> std::io::Result<SharedWindow> {
        create_private_dir(folder)?;
        let digest = Sha256::digest(format!("easel-budget\n{base_url}\n{identity}").as_bytes());
        let stem: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
        let lock =
            OpenOptions::new().create(true).truncate(false).write(true).open(folder.join(format!("{stem}.lock")))?;
        let state = folder.join(format!("{stem}.window"));
        Ok(SharedWindow { inner: Arc::new(Files { lock: Mutex::new(lock), state }) })
    }

    /// Records one request if it fits (`Ok`, with its grant time for `end`), else says how long
    /// to wait before trying again.
    pub(crate) async fn take(&self, limit: usize, window: Duration) -> std::io::Result<Result<u64, Duration>> {
        let inner = self.inner.clone();
        blocking(move || {
            inner.locked(|state, now| {
                let window_ns = window.as_nanos() as u64;
                if state.closed_until > now {
                    return (false, Err(Duration::from_nanos(state.closed_until - now)));
                }
                let listed = state.sent.len();
                state.sent.retain(|e| e.counts(now, window_ns));
                // A refusal rewrites the file only when it dropped entries: a caller polling a
                // full window every `IN_FLIGHT_POLL` then only reads.
                let pruned = state.sent.len() != listed;
                if state.sent.len() >= limit {
                    let leaves = state.sent.iter().filter(|e| e.ended != 0).map(|e| e.ended + window_ns).min();
                    let mut wait = leaves.map_or(IN_FLIGHT_POLL, |at| Duration::from_nanos(at.saturating_sub(now)));
                    if state.sent.iter().any(|e| e.ended == 0) {
                        wait = wait.min(IN_FLIGHT_POLL);
                    }
                    return (pruned, Err(wait.max(MIN_WAIT)));
                }
                // Evenly spaced (see `Budget`): one window's share after the newest.
                let gap = window_ns / limit.max(1) as u64;
                if let Some(newest) = state.sent.iter().map(|e| e.granted).max().filter(|t| now - *t < gap) {
                    return (pruned, Err(Duration::from_nanos(newest + gap - now).max(MIN_WAIT)));
                }
                state.sent.push(Entry { granted: now, ended: 0 });
                (true, Ok(now))
            })
        })
        .await
    }

    /// Writes down that the request granted at `granted` has ended, `late` from now. Called
    /// from `Grant`'s `Drop`, so synchronously: a process that exits right after its last
    /// request (`easel run`) must not leave it in flight for `MAX_IN_FLIGHT`. The lock is held
    /// for microseconds. A failure only leaves the entry in flight, which `MAX_IN_FLIGHT`
    /// bounds, so it is reported and not retried.
    pub(crate) fn end(&self, granted: u64, late: Duration) {
        let ended = self.inner.locked(|state, now| {
            let entry = state.sent.iter_mut().find(|e| e.granted == granted);
            let found = entry.is_some();
            if let Some(entry) = entry {
                entry.ended = now + late.as_nanos() as u64;
            }
            (found, ())
        });
        if let Err(e) = ended {
            eprintln!("easel: shared request budget: recording a request's end: {e}");
        }
    }

    /// Closes the window for everyone for `pause` (capped at `MAX_CLOSE`).
    pub(crate) async fn close_for(&self, pause: Duration) -> std::io::Result<()> {
        let inner = self.inner.clone();
        blocking(move || {
            inner.locked(|state, now| {
                let until = now + pause.min(MAX_CLOSE).as_nanos() as u64;
                state.closed_until = state.closed_until.max(until);
                (true, ())
            })
        })
        .await
    }
}

/// A wait never shorter than this, so a clock tick cannot make a caller spin.
const MIN_WAIT: Duration = Duration::from_millis(1);

impl Files {
    /// Runs `change` on the state under the lock; writes it back when it says so.
    fn locked<T>(&self, change: impl FnOnce(&mut State, u64) -> (bool, T)) -> std::io::Result<T> {
        let file = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        file.lock()?;
        let result = self.read().and_then(|mut state| {
            let now = boot_nanos()?;
            let (write, value) = change(&mut state, now);
            if write {
                self.write(&state)?;
            }
            Ok(value)
        });
        let unlocked = file.unlock();
        let value = result?;
        unlocked?;
        Ok(value)
    }

    fn read(&self) -> std::io::Result<State> {
        let mut text = String::new();
        match File::open(&self.state) {
            Ok(file) => {
                // Bounded: a foreign or damaged file is read at most this far, then ignored.
                if file.take(MAX_FILE_BYTES).read_to_string(&mut text).is_err() {
                    return Ok(State::default());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => return Err(e),
        }
        Ok(parse(&text))
    }

    fn write(&self, state: &State) -> std::io::Result<()> {
        let temp = self.state.with_extension("window.tmp");
        let mut file = File::create(&temp)?;
        file.write_all(render(state).as_bytes())?;
        // No fsync: the window is about the last second; after a power loss it is moot.
        drop(file);
        std::fs::rename(&temp, &self.state)
    }
}

/// The file's first line. Version 1 listed grant times only; a file of another version is
/// treated as empty (at worst, for one window, two Easel versions running at once on one key
/// do not see each other's requests).
const VERSION: &str = "easel-budget 2";

fn parse(text: &str) -> State {
    let mut state = State::default();
    let mut lines = text.lines();
    if lines.next() != Some(VERSION) {
        return state;
    }
    for line in lines {
        if let Some(rest) = line.strip_prefix("closed ") {
            state.closed_until = rest.trim().parse().unwrap_or(0);
        } else if let Some((granted, ended)) = line.trim().split_once(' ') {
            if let (Ok(granted), Ok(ended)) = (granted.parse(), ended.parse()) {
                if state.sent.len() < MAX_ENTRIES {
                    state.sent.push(Entry { granted, ended });
                }
            }
        }
    }
    state
}

fn render(state: &State) -> String {
    let mut out = format!("{VERSION}\nclosed {}\n", state.closed_until);
    let skip = state.sent.len().saturating_sub(MAX_ENTRIES);
    for e in &state.sent[skip..] {
        out.push_str(&format!("{} {}\n", e.granted, e.ended));
    }
    out
}

/// Nanoseconds since boot, the same in every process (suspend included).
fn boot_nanos() -> std::io::Result<u64> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; clock_gettime only writes into it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(folder)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_foreign_text_is_empty() {
        let entry = |granted, ended| Entry { granted, ended };
        let state = State { closed_until: 7, sent: vec![entry(1, 0), entry(2, 3), entry(4, 9)] };
        assert_eq!(parse(&render(&state)), state);
        assert_eq!(parse("something else\n1 0\n2 0"), State::default());
        assert_eq!(parse("easel-budget 1\nclosed 0\n5\n6"), State::default(), "version 1 had no ends");
        assert_eq!(parse("easel-budget 2\nclosed x\nzz\n5\n5 6"), State { closed_until: 0, sent: vec![entry(5, 6)] });
    }

    #[tokio::test]
    async fn two_windows_on_one_file_share_the_limit_and_the_spacing() {
        let dir = tempfile::tempdir().unwrap();
        let a = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let b = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let other = SharedWindow::open(dir.path(), "http://h", "another key").unwrap();
        let window = Duration::from_secs(60);
        let gap = window / 5;
        assert!(a.take(5, window).await.unwrap().is_ok());
        // The other process, right after: it must wait for the spacing too (one shared window).
        let wait = b.take(5, window).await.unwrap().expect_err("the second request waits for its share");
        assert!(wait <= gap && wait > gap - Duration::from_secs(5), "{wait:?}");
        assert!(other.take(5, window).await.unwrap().is_ok(), "another key has its own window");
        // Five requests spaced a share apart, all still inside the window: the sixth waits for
        // the oldest to leave it, not just for the spacing.
        let now = boot_nanos().unwrap();
        // 30 to 50 s old: the newest is past the spacing (which alone would let this one go), the
        // oldest leaves the window in 10 s. Seconds of margin, so a stalled test cannot fail it.
        let spaced: Vec<Entry> =
            (0..5u64).map(|k| now - (30 + 5 * k) * 1_000_000_000).map(|t| Entry { granted: t, ended: t }).collect();
        a.inner.write(&State { closed_until: 0, sent: spaced }).unwrap();
        let wait = b.take(5, window).await.unwrap().expect_err("the sixth request in the window must wait");
        assert!(wait > Duration::from_secs(5) && wait <= Duration::from_secs(10), "{wait:?}");
        b.close_for(Duration::from_secs(30)).await.unwrap();
        let wait = other.take(5, window).await.unwrap();
        assert!(wait.is_ok() || wait.is_err_and(|w| w <= gap), "a 429 on one key does not close another's window");
        let text = std::fs::read_to_string(
            dir.path()
                .read_dir()
                .unwrap()
                .flatten()
                .find(|e| e.path().extension().is_some_and(|x| x == "window"))
                .unwrap()
                .path(),
        )
        .unwrap();
        assert!(!text.contains("another key") && !text.contains("http://h"));
    }

    #[tokio::test]
    async fn a_request_counts_until_a_window_after_its_end_and_a_dead_ones_for_a_bounded_time() {
        let dir = tempfile::tempdir().unwrap();
        let a = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let b = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let window = Duration::from_secs(60);
        let s = 1_000_000_000u64;
        let now = boot_nanos().unwrap();
        // Five granted 500 to 300 s ago: three still in flight (one of them from a process that
        // died 300 s ago, past MAX_IN_FLIGHT), two that ended 30 and 40 s ago.
        let sent = vec![
            Entry { granted: now - 500 * s, ended: now - 40 * s },
            Entry { granted: now - 450 * s, ended: now - 30 * s },
            Entry { granted: now - 110 * s, ended: 0 },
            Entry { granted: now - 100 * s, ended: 0 },
            Entry { granted: now - 300 * s, ended: 0 },
        ];
        a.inner.write(&State { closed_until: 0, sent }).unwrap();
        // Four count (the dead one does not): the first request fits, the next finds five.
        let granted = b.take(5, window).await.unwrap().expect("four count, so one fits");
        let state = a.inner.read().unwrap();
        assert_eq!(state.sent.len(), 5, "the dead entry was dropped: {state:?}");
        // Full before the spacing is even looked at.
        let wait = b.take(5, window).await.unwrap().expect_err("five count");
        assert!(wait <= IN_FLIGHT_POLL, "with requests in flight elsewhere it looks again soon: {wait:?}");
        // Its end is written down; it still counts for a window after.
        b.end(granted, Duration::ZERO);
        let ended = a.inner.read().unwrap().sent.iter().find(|e| e.granted == granted).map(|e| e.ended);
        assert!(ended.is_some_and(|e| e >= granted), "{ended:?}");
        assert!(b.take(5, window).await.unwrap().is_err(), "an ended request counts a window longer");
    }
}
