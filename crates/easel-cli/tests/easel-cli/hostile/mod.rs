//! The audit's crafted inputs (H2, H3, H4, M1, M2, M4's neighbour I2/I4 are covered in
//! easel-workflow) against the real `easel` binary, each run as a child process whose memory is
//! capped and measured: a 12,000-node chain, 5,000- and 10,001-node files, the subgraph "billion
//! laughs" files (k = 6 and k = 10), a recursive subgraph, a PNG text bomb, a journal with
//! unreadable rows, and a hostile TAMS look-alike on 127.0.0.1 that serves a 1.5 GB result, an
//! endless result without Content-Length, and 600 MB (or endless) JSON. Every input is generated
//! here; nothing large is committed. For each: the exit code, a message naming the limit or the
//! location, peak RSS, and that nothing is lost or half-written (no `.part`, no image indexed
//! from a refused download, journal statuses that match what happened).
//!
//! Memory: each child gets `RLIMIT_AS` = `AS_LIMIT` (1 GiB) as a hard stop, so a regression
//! aborts the child instead of the machine, and the assertion is on peak resident memory
//! (`ru_maxrss` from `wait4`) below `MAX_RSS_KB` (256 MB). The child is forked from a fresh copy
//! of this test binary (`rss_probe`), not from the test process itself: Linux counts the pages a
//! child inherits at fork into its high-water mark across `exec`, so measuring from here would
//! report this process's own peak (the text-bomb test alone holds 64 MiB). The probe's few MB
//! are the floor of every figure. An address-space limit of 256 MB
//! alone is not usable for a multi-threaded tokio binary: glibc reserves 64 MB of address space
//! per malloc arena and every thread reserves its stack, none of which is resident. The children
//! run with `MALLOC_ARENA_MAX=2` to keep those reservations few. Time is never asserted. The API
//! key given to the children is checked to appear in none of their output.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::files_under;

mod crafted_files;
mod hostile_server;
mod journal_rows;

/// The hard stop on each child's address space.
const AS_LIMIT: u64 = 1 << 30;
/// The most resident memory a child may have used, in KiB (256 MB).
const MAX_RSS_KB: i64 = 256 * 1024;
/// The API key the children get; it must never show in their output.
const KEY: &str = "hostile-key-5b9e1c";
/// What the hostile server claims a result image is: 1.5 GB.
const HUGE_IMAGE: u64 = 1_500_000_000;
/// What it claims a JSON reply is: 600 MB.
const HUGE_JSON: u64 = 600_000_000;
/// The most the hostile server writes on one connection before giving up (the client must stop
/// it long before: the download limit is 256 MB).
const MAX_STREAMED: u64 = 2 << 30;
/// The most connections the hostile server answers before it stops accepting.
const MAX_CONNECTIONS: usize = 200;
/// The largest request head or body it reads.
const MAX_REQUEST: usize = 4 << 20;

/// What a measured child did.
struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    peak_rss_kb: i64,
}

impl Outcome {
    /// Asserts the exit code, the memory bound and that the key never leaked; prints the figures.
    fn expect(&self, what: &str, code: i32) -> &Self {
        println!("{what}: exit {:?} signal {:?}, peak RSS {} MB", self.code, self.signal, self.peak_rss_kb / 1024);
        assert_eq!(
            self.code,
            Some(code),
            "{what}: exit code (signal {:?}); stderr: {:.2000}",
            self.signal,
            self.stderr
        );
        assert!(
            self.peak_rss_kb < MAX_RSS_KB,
            "{what}: peak RSS {} MB is over {} MB",
            self.peak_rss_kb / 1024,
            MAX_RSS_KB / 1024
        );
        assert!(!self.stdout.contains(KEY) && !self.stderr.contains(KEY), "{what}: the API key reached the output");
        self
    }

    /// Asserts the output says each of `parts`: on stderr, or on stdout for `--json` runs
    /// (whose failures are events there).
    fn says(&self, what: &str, parts: &[&str]) -> &Self {
        for part in parts {
            assert!(
                self.stderr.contains(part) || self.stdout.contains(part),
                "{what}: the output lacks {part:?}; stderr: {:.2000}; stdout: {:.2000}",
                self.stderr,
                self.stdout
            );
        }
        self
    }
}

/// Runs `easel <args>` with the address-space cap and returns its outcome. The measuring is
/// done by a fresh process (`rss_probe`, this test binary started anew): a child forked from
/// this big, multi-threaded test process would start with this process's resident pages as its
/// own, and Linux carries that high-water mark across `exec` into `ru_maxrss`.
fn easel(args: &[&std::ffi::OsStr], envs: &[(&str, &std::ffi::OsStr)]) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let argv: Vec<String> = args.iter().map(|a| a.to_str().unwrap().to_string()).collect();
    let mut probe = Command::new(std::env::current_exe().unwrap());
    probe
        .args(["--exact", "hostile::rss_probe", "--test-threads", "1", "--quiet"])
        .env(PROBE_ARGS, serde_json::to_string(&argv).unwrap())
        .env(PROBE_DIR, dir.path())
        .env("MALLOC_ARENA_MAX", "2")
        .env("EASEL_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    for (k, v) in envs {
        probe.env(k, v);
    }
    let probed = probe.output().unwrap();
    assert!(probed.status.success(), "the probe failed: {}", String::from_utf8_lossy(&probed.stderr));
    let read = |name: &str| String::from_utf8_lossy(&std::fs::read(dir.path().join(name)).unwrap()).into_owned();
    let report: Value = serde_json::from_str(&read("report.json")).unwrap();
    Outcome {
        code: report["code"].as_i64().map(|c| c as i32),
        signal: report["signal"].as_i64().map(|c| c as i32),
        stdout: read("stdout"),
        stderr: read("stderr"),
        peak_rss_kb: report["maxrssKb"].as_i64().unwrap(),
    }
}

/// The probe's arguments for `easel`, as a JSON list of strings.
const PROBE_ARGS: &str = "EASEL_HOSTILE_PROBE_ARGS";
/// Where the probe writes `stdout`, `stderr` and `report.json`.
const PROBE_DIR: &str = "EASEL_HOSTILE_PROBE_DIR";

/// Not a test of its own: the fresh, small process `easel()` starts to measure one `easel` run.
/// Without `PROBE_ARGS` (every normal test run) it does nothing. It forks `easel` with
/// `RLIMIT_AS` set in `pre_exec`, its output going to files, waits with `wait4` and writes the
/// exit status and `ru_maxrss` (KiB) to `report.json`.
#[test]
fn rss_probe() {
    let (Some(args), Some(dir)) = (std::env::var_os(PROBE_ARGS), std::env::var_os(PROBE_DIR)) else { return };
    let args: Vec<String> = serde_json::from_str(args.to_str().unwrap()).unwrap();
    let dir = PathBuf::from(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_easel"));
    command
        .args(&args)
        .env_remove(PROBE_ARGS)
        .env_remove(PROBE_DIR)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap());
    // SAFETY: setrlimit is async-signal-safe and touches no memory the parent shares.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: AS_LIMIT as libc::rlim_t, rlim_max: AS_LIMIT as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // Reaped by the wait4 below (which std's `wait` cannot do: it returns no rusage).
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child, not yet waited for; the pointers are to live locals.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        assert_eq!(error.kind(), std::io::ErrorKind::Interrupted, "wait4: {error}");
    }
    let report = json!({
        "code": libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        "signal": libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        "maxrssKb": usage.ru_maxrss,
    });
    std::fs::write(dir.join("report.json"), report.to_string()).unwrap();
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A 1x1 PNG carrying `chunks` between IHDR and IDAT.
fn png(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    for (kind, data) in chunks {
        chunk(&mut out, kind, data);
    }
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A tEXt chunk's data.
fn text(keyword: &str, value: &str) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.push(0);
    data.extend_from_slice(value.as_bytes());
    data
}

/// Images in the library's gallery index, and PNG / `.part` files under it.
fn library_state(library: &Path) -> (i64, usize, usize) {
    let indexed = if library.join("library.sqlite").exists() {
        let conn = rusqlite::Connection::open(library.join("library.sqlite")).unwrap();
        conn.query_row("SELECT COUNT(*) FROM images", [], |r| r.get(0)).unwrap()
    } else {
        0
    };
    let files = files_under(library);
    let pngs = files.iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
    let parts = files.iter().filter(|p| p.to_string_lossy().ends_with(".part")).count();
    (indexed, pngs, parts)
}

/// (file name, source, workflow column, classes) of every image in the gallery index.
fn indexed(library: &Path) -> Vec<(String, String, Option<String>, String)> {
    let conn = rusqlite::Connection::open(library.join("library.sqlite")).unwrap();
    let mut stmt = conn.prepare("SELECT path, source, workflow, classes FROM images ORDER BY path").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
    let rows = rows.collect::<Result<Vec<(String, String, Option<String>, String)>, _>>().unwrap();
    rows.into_iter()
        .map(|(path, source, workflow, classes)| {
            let name = Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(path);
            (name, source, workflow, classes)
        })
        .collect()
}

/// Asserts every indexed image is there as a picture only: none of the refused metadata stored.
fn indexed_without_metadata(library: &Path, names: &[&str]) {
    let rows = indexed(library);
    let found: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(found, names, "each PNG is indexed once, as a picture");
    for (name, source, workflow, classes) in &rows {
        println!(
            "indexed {name}: source {source}, workflow {:?} bytes, classes {classes:?}",
            workflow.as_ref().map(String::len)
        );
        assert!(workflow.is_none() && classes.is_empty(), "{name}: refused metadata was indexed");
    }
}

/// (run id, status, error code, images saved) of every run in the library's journal, oldest first.
fn journal(library: &Path) -> Vec<(String, String, Option<String>, i64)> {
    let path = library.join(easel_engine::DATABASE_FILE);
    if !path.exists() {
        return Vec::new();
    }
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT run_id, status, error_code, (SELECT COUNT(*) FROM images i WHERE i.run_id = r.run_id)
             FROM runs r ORDER BY created_at, rowid",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
    rows.collect::<Result<Vec<_>, _>>().unwrap()
}
