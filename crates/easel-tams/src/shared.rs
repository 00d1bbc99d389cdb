//! The machine-wide half of the request budget: one small text file per (service, credentials)
//! that lists when the last requests were sent and until when a 429 closed the window. Every
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
    sent: Vec<u64>,
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

    /// Records one request if it fits (`None`), else says how long to wait before trying again.
    pub(crate) async fn take(&self, limit: usize, window: Duration) -> std::io::Result<Option<Duration>> {
        let inner = self.inner.clone();
        blocking(move || {
            inner.locked(|state, now| {
                let window_ns = window.as_nanos() as u64;
                if state.closed_until > now {
                    return (false, Some(Duration::from_nanos(state.closed_until - now)));
                }
                state.sent.retain(|t| *t <= now && now - *t < window_ns);
                if state.sent.len() >= limit {
                    let oldest = state.sent.iter().copied().min().unwrap_or(now);
                    return (true, Some(Duration::from_nanos((oldest + window_ns).saturating_sub(now)).max(MIN_WAIT)));
                }
                // Evenly spaced (see `Budget`): one window's share after the newest.
                let gap = window_ns / limit.max(1) as u64;
                if let Some(newest) = state.sent.iter().copied().max().filter(|t| now - *t < gap) {
                    return (true, Some(Duration::from_nanos(newest + gap - now).max(MIN_WAIT)));
                }
                state.sent.push(now);
                (true, None)
            })
        })
        .await
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

fn parse(text: &str) -> State {
    let mut state = State::default();
    let mut lines = text.lines();
    if lines.next() != Some("easel-budget 1") {
        return state;
    }
    for line in lines {
        if let Some(rest) = line.strip_prefix("closed ") {
            state.closed_until = rest.trim().parse().unwrap_or(0);
        } else if let Ok(t) = line.trim().parse::<u64>() {
            if state.sent.len() < MAX_ENTRIES {
                state.sent.push(t);
            }
        }
    }
    state
}

fn render(state: &State) -> String {
    let mut out = format!("easel-budget 1\nclosed {}\n", state.closed_until);
    let skip = state.sent.len().saturating_sub(MAX_ENTRIES);
    for t in &state.sent[skip..] {
        out.push_str(&t.to_string());
        out.push('\n');
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
        let state = State { closed_until: 7, sent: vec![1, 2, 3] };
        assert_eq!(parse(&render(&state)), state);
        assert_eq!(parse("something else\n1\n2"), State::default());
        assert_eq!(parse("easel-budget 1\nclosed x\nzz\n5"), State { closed_until: 0, sent: vec![5] });
    }

    #[tokio::test]
    async fn two_windows_on_one_file_share_the_limit_and_the_spacing() {
        let dir = tempfile::tempdir().unwrap();
        let a = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let b = SharedWindow::open(dir.path(), "http://h", "id").unwrap();
        let other = SharedWindow::open(dir.path(), "http://h", "another key").unwrap();
        let window = Duration::from_secs(60);
        let gap = window / 5;
        assert_eq!(a.take(5, window).await.unwrap(), None);
        // The other process, right after: it must wait for the spacing too (one shared window).
        let wait = b.take(5, window).await.unwrap().expect("the second request waits for its share");
        assert!(wait <= gap && wait > gap - Duration::from_secs(5), "{wait:?}");
        assert_eq!(other.take(5, window).await.unwrap(), None, "another key has its own window");
        // Five requests spaced a share apart, all still inside the window: the sixth waits for
        // the oldest to leave it, not just for the spacing.
        let now = boot_nanos().unwrap();
        // 30 to 50 s old: the newest is past the spacing (which alone would let this one go), the
        // oldest leaves the window in 10 s. Seconds of margin, so a stalled test cannot fail it.
        let spaced: Vec<u64> = (0..5u64).map(|k| now - (30 + 5 * k) * 1_000_000_000).collect();
        a.inner.write(&State { closed_until: 0, sent: spaced }).unwrap();
        let wait = b.take(5, window).await.unwrap().expect("the sixth request in the window must wait");
        assert!(wait > Duration::from_secs(5) && wait <= Duration::from_secs(10), "{wait:?}");
        b.close_for(Duration::from_secs(30)).await.unwrap();
        let wait = other.take(5, window).await.unwrap();
        assert!(wait.is_none_or(|w| w <= gap), "a 429 on one key does not close another's window: {wait:?}");
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
}
