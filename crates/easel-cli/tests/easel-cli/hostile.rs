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

/// `easel check` and `easel convert` on `file`, both refused with exit 2 and `parts` in stderr.
fn refused_by_check_and_convert(what: &str, file: &Path, parts: &[&str]) {
    let check = easel(&[os("check"), file.as_os_str()], &[]);
    check.expect(&format!("check {what}"), 2).says(what, parts);
    let convert = easel(&[os("convert"), file.as_os_str()], &[]);
    convert.expect(&format!("convert {what}"), 2).says(what, parts);
    assert!(convert.stdout.is_empty(), "convert {what} printed a graph");
}

/// A TAMS params map: EmptyLatentImage, `links` LatentUpscaleBy in a line (the first doubles),
/// VAEDecode (with a checkpoint's VAE) and SaveImage: `links + 4` nodes.
fn chain(links: usize) -> Value {
    let mut nodes = serde_json::Map::new();
    nodes.insert("ckpt".into(), json!({"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "1"}}));
    nodes.insert(
        "latent".into(),
        json!({"classType": "EmptyLatentImage", "inputs": {"width": 256, "height": 256, "batch_size": 1}}),
    );
    for i in 1..=links {
        let from = if i == 1 { "latent".to_string() } else { format!("up{}", i - 1) };
        let by = if i == 1 { 2.0 } else { 1.0 };
        nodes.insert(
            format!("up{i}"),
            json!({"classType": "LatentUpscaleBy",
                   "inputs": {"samples": [from, 0], "upscale_method": "nearest-exact", "scale_by": by}}),
        );
    }
    nodes.insert(
        "decode".into(),
        json!({"classType": "VAEDecode", "inputs": {"samples": [format!("up{links}"), 0], "vae": ["ckpt", 2]}}),
    );
    nodes.insert(
        "save".into(),
        json!({"classType": "SaveImage", "inputs": {"images": ["decode", 0], "filename_prefix": "chain"}}),
    );
    Value::Object(nodes)
}

/// The same chain as a ComfyUI API file (`class_type`).
fn api_file(dir: &Path, name: &str, links: usize) -> PathBuf {
    let text = chain(links).to_string().replace("\"classType\"", "\"class_type\"");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// An editor file whose top-level node is an instance of subgraph `bomb`, which holds `k`
/// instances of itself: the audit's "billion laughs".
fn laughs(k: usize) -> Value {
    let inner: Vec<Value> = (1..=k).map(|i| json!({"id": i, "type": "bomb", "mode": 0})).collect();
    json!({"version": 0.4, "links": [], "nodes": [{"id": 1, "type": "bomb", "mode": 0}],
           "definitions": {"subgraphs": [{"id": "bomb", "nodes": inner, "links": []}]}})
}

/// One PNG chunk: length, type, data, CRC.
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

#[test]
fn long_chains_and_node_counts_are_bounded_in_check_convert_and_run() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    // H2: 12,004 nodes, about 1.3 MB, under the emulator's 2 MiB body limit: refused by the cap.
    let long = api_file(dir.path(), "chain12000.json", 12_000);
    refused_by_check_and_convert(
        "chain12000",
        &long,
        &["chain12000.json", "too many nodes: 12004, the limit is 10000"],
    );
    let library = dir.path().join("lib");
    let run = easel(&[os("run"), long.as_os_str(), os("--library"), library.as_os_str(), os("--yes")], &[]);
    run.expect("run chain12000", 2).says("run", &["too many nodes: 12004, the limit is 10000"]);
    assert!(journal(&library).is_empty(), "nothing recorded for a refused file");

    // One over the cap.
    let over = api_file(dir.path(), "nodes10001.json", 9_997);
    refused_by_check_and_convert("nodes10001", &over, &["too many nodes: 10001, the limit is 10000"]);

    // 5,004 nodes: accepted everywhere, and run end to end against the in-process emulator.
    let ok = api_file(dir.path(), "chain5000.json", 5_000);
    let check = easel(&[os("check"), ok.as_os_str()], &[]);
    check.expect("check chain5000", 0);
    assert!(check.stdout.contains("5004 nodes: 0 error(s)"), "{}", check.stdout);
    let convert = easel(&[os("convert"), ok.as_os_str(), os("--to"), os("tams")], &[]);
    convert.expect("convert chain5000", 0);
    let converted: Value = serde_json::from_str(&convert.stdout).unwrap();
    assert_eq!(converted.as_object().map(|m| m.len()), Some(5_004));
    let budget = dir.path().join("budget");
    let run = easel(
        &[os("run"), ok.as_os_str(), os("--library"), library.as_os_str(), os("--yes")],
        &[("EASEL_BUDGET_DIR", budget.as_os_str())],
    );
    run.expect("run chain5000", 0).says("run chain5000", &["done: 1 image(s)"]);
    assert_eq!(library_state(&library), (1, 1, 0), "one image saved and indexed, no .part left");
    let runs = journal(&library);
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].1.as_str(), runs[0].3), ("succeeded", 1));
}

#[test]
fn subgraph_bombs_and_recursion_are_refused_by_name_in_check_convert_run_and_import() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let bomb_pngs = dir.path().join("pngs");
    std::fs::create_dir(&bomb_pngs).unwrap();
    for k in [6, 10] {
        let bomb = laughs(k).to_string();
        assert!(bomb.len() < 1200, "about a kilobyte, as in the audit: {}", bomb.len());
        let file = dir.path().join(format!("laughs{k}.json"));
        std::fs::write(&file, &bomb).unwrap();
        let what = format!("laughs{k}");
        refused_by_check_and_convert(&what, &file, &["subgraph `bomb`: it contains an instance of itself"]);
        let library = dir.path().join(format!("lib{k}"));
        let run = easel(&[os("run"), file.as_os_str(), os("--library"), library.as_os_str(), os("--yes")], &[]);
        run.expect(&format!("run {what}"), 2).says(&what, &["subgraph `bomb`"]);
        assert!(journal(&library).is_empty(), "nothing recorded for {what}");
        // The same bomb as a PNG's `workflow` chunk, for the library import.
        std::fs::write(bomb_pngs.join(format!("{what}.png")), png(&[(b"tEXt", text("workflow", &bomb))])).unwrap();
    }
    let recursive = json!({"version": 0.4, "links": [], "nodes": [{"id": 1, "type": "a", "mode": 0}],
        "definitions": {"subgraphs": [
            {"id": "a", "links": [], "nodes": [{"id": 1, "type": "b", "mode": 0}]},
            {"id": "b", "links": [], "nodes": [{"id": 1, "type": "c", "mode": 0}, {"id": 2, "type": "KSampler", "mode": 0}]},
            {"id": "c", "links": [], "nodes": [{"id": 1, "type": "a", "mode": 0}]}]}});
    let file = dir.path().join("recursive.json");
    std::fs::write(&file, recursive.to_string()).unwrap();
    refused_by_check_and_convert("recursive", &file, &["subgraph `a`", "a -> b -> c -> a"]);

    let library = dir.path().join("gallery");
    let import =
        easel(&[os("library"), os("import"), bomb_pngs.as_os_str(), os("--library"), library.as_os_str()], &[]);
    // A PNG is still a picture when its metadata is refused: it is indexed without a workflow.
    import.expect("library import of bomb PNGs", 0).says("import", &["2 images indexed"]);
    indexed_without_metadata(&library, &["laughs10.png", "laughs6.png"]);
}

#[test]
fn a_png_text_bomb_is_read_within_one_budget_in_check_convert_and_import() {
    let _timed = crate::TIMED.blocking_lock();
    // M1: 40 zTXt chunks, each inflating to 64 MiB ("{}" then spaces): 2.5 GiB were it all read.
    const INFLATED: usize = 64 << 20;
    let mut body = vec![b' '; INFLATED];
    body[..2].copy_from_slice(b"{}");
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&body, 9);
    drop(body);
    let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..40)
        .map(|i| {
            let mut data = easel_workflow::INFLATED_KEYWORDS[i % 4].as_bytes().to_vec();
            data.extend_from_slice(&[0, 0]);
            data.extend_from_slice(&packed);
            (b"zTXt", data)
        })
        .collect();
    let bytes = png(&chunks);
    println!("text bomb: {} bytes of PNG", bytes.len());
    assert!((2_000_000..3_000_000).contains(&bytes.len()), "about 2.4 MB: {}", bytes.len());
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("ztxt_bomb.png");
    std::fs::write(&file, &bytes).unwrap();
    drop(bytes);

    let parts = ["ztxt_bomb.png", "`workflow` (zTXt)", "inflate budget of 64 MiB"];
    refused_by_check_and_convert("ztxt_bomb", &file, &parts);
    let library = dir.path().join("lib");
    let import = easel(&[os("library"), os("import"), folder.as_os_str(), os("--library"), library.as_os_str()], &[]);
    import.expect("library import of the text bomb", 0).says("import", &["1 images indexed"]);
    indexed_without_metadata(&library, &["ztxt_bomb.png"]);
}

/// How the hostile server misbehaves.
#[derive(Clone, Copy, Debug)]
enum Hostility {
    /// The result image says Content-Length: 1.5 GB (and would stream that much).
    HugeImage,
    /// The result image has no Content-Length and never ends.
    EndlessImage,
    /// The price check's reply says Content-Length: 600 MB.
    HugeJson,
    /// The price check's reply has no Content-Length and never ends.
    EndlessJson,
}

/// A TAMS look-alike on 127.0.0.1 with hand-written HTTP/1.1 replies, one request per
/// connection. Stops accepting when dropped or after `MAX_CONNECTIONS`.
struct HostileServer {
    port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl HostileServer {
    fn start(mode: Hostility) -> HostileServer {
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let port = listener.local_addr().unwrap().port();
                port_tx.send(port).unwrap();
                for _ in 0..MAX_CONNECTIONS {
                    let accepted = tokio::select! {
                        _ = &mut stopped => return,
                        accepted = listener.accept() => accepted,
                    };
                    let Ok((socket, _)) = accepted else { continue };
                    tokio::spawn(serve(socket, mode, port));
                }
            });
        });
        HostileServer { port: port_rx.recv().unwrap(), stop: Some(stop) }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server thread may already have ended after its last connection.
            if stop.send(()).is_err() {
                println!("hostile server already stopped");
            }
        }
    }
}

/// Reads one request (head, then a body of its Content-Length), answers it, closes.
async fn serve(mut socket: TcpStream, mode: Hostility, port: u16) {
    let mut request = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if request.len() > MAX_REQUEST {
            return;
        }
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0usize)
        .min(MAX_REQUEST);
    while request.len() < head_end + length {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.lines().next().unwrap_or_default().to_string();
    let json_reply = |body: String| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let job = |status: &str| {
        json!({"job": {"id": "7001", "status": status, "credits": 1,
            "successInfo": {"images": [{"id": "9001", "url": format!("http://127.0.0.1:{port}/results/9001.png")}]}}})
        .to_string()
    };
    let reply = if line.starts_with("POST /v1/jobs/workflow/params/check") {
        match mode {
            Hostility::HugeJson => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HUGE_JSON}\r\nConnection: close\r\n\r\n"
                );
                return stream(socket, head, b"[0,", HUGE_JSON).await;
            }
            Hostility::EndlessJson => {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_string();
                return stream(socket, head, b"[0,", MAX_STREAMED).await;
            }
            _ => json_reply(json!({"valid": true, "credits": 1}).to_string()),
        }
    } else if line.starts_with("POST /v1/jobs/workflow ") {
        json_reply(json!({"job": {"id": "7001", "status": "CREATED"}}).to_string())
    } else if line.starts_with("GET /v1/jobs/7001 ") {
        json_reply(job("SUCCESS"))
    } else if line.starts_with("GET /results/") {
        // A PNG signature first, so only the size can be the reason to refuse it.
        let (head, total) = match mode {
            Hostility::EndlessImage => {
                ("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n".to_string(), MAX_STREAMED)
            }
            _ => (
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {HUGE_IMAGE}\r\nConnection: close\r\n\r\n"
                ),
                HUGE_IMAGE,
            ),
        };
        return stream(socket, head, b"\x89PNG\r\n\x1a\n", total).await;
    } else {
        let body = json!({"code": 5, "message": "not found"}).to_string();
        format!(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    if socket.write_all(reply.as_bytes()).await.is_err() {
        println!("hostile server: the client closed before the reply to {line}");
    }
}

/// Writes `head`, then `first` and zeros up to `total` bytes, until the client hangs up.
async fn stream(mut socket: TcpStream, head: String, first: &[u8], total: u64) {
    if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(first).await.is_err() {
        return;
    }
    let block = vec![b'0'; 64 * 1024];
    let mut sent = first.len() as u64;
    while sent < total {
        let n = block.len().min((total - sent) as usize);
        if socket.write_all(&block[..n]).await.is_err() {
            return;
        }
        sent += n as u64;
    }
    println!("hostile server: the client read all {sent} bytes");
}

/// `easel run reference.json --endpoint <hostile> --json` in a fresh library; returns the
/// outcome and the library.
fn run_against(mode: Hostility, dir: &Path) -> (Outcome, PathBuf) {
    let server = HostileServer::start(mode);
    let library = dir.join(format!("{mode:?}"));
    let budget = dir.join("budget");
    let url = server.url();
    let outcome = easel(
        &[
            os("run"),
            crate::reference_file().as_os_str(),
            os("--yes"),
            os("--json"),
            os("--endpoint"),
            os(&url),
            os("--library"),
            library.as_os_str(),
        ],
        &[("EASEL_BUDGET_DIR", budget.as_os_str())],
    );
    drop(server);
    (outcome, library)
}

#[test]
fn oversized_and_endless_results_are_refused_without_leftovers() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    for mode in [Hostility::HugeImage, Hostility::EndlessImage] {
        let (outcome, library) = run_against(mode, dir.path());
        outcome
            .expect(&format!("run against {mode:?}"), 1)
            .says(&format!("{mode:?}"), &["larger than the 256 MB Easel accepts"]);
        let (indexed, pngs, parts) = library_state(&library);
        assert_eq!((indexed, pngs, parts), (0, 0, 0), "{mode:?}: nothing indexed, saved or left half-written");
        let runs = journal(&library);
        assert_eq!(runs.len(), 1, "{mode:?}: {runs:?}");
        assert_eq!(runs[0].1, "failed", "{mode:?}: the journal says what happened");
        assert_eq!(runs[0].2.as_deref(), Some("server"));
        assert_eq!(runs[0].3, 0);
    }
}

#[test]
fn oversized_and_endless_json_replies_are_refused_before_anything_is_recorded() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    for mode in [Hostility::HugeJson, Hostility::EndlessJson] {
        let (outcome, library) = run_against(mode, dir.path());
        outcome
            .expect(&format!("run against {mode:?}"), 1)
            .says(&format!("{mode:?}"), &["larger than the 8 MB Easel accepts"]);
        assert!(journal(&library).is_empty(), "{mode:?}: the price check failed, so no run was recorded");
        assert_eq!(library_state(&library), (0, 0, 0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_journal_rows_are_failed_by_name_and_the_rest_resume() {
    let _timed = crate::TIMED.lock().await;
    // The kill helper signs with `cli-key`; the resume below is given the same key.
    let emulator = easel_emulator::Emulator::start(easel_emulator::EmulatorConfig {
        api_key: "cli-key".into(),
        faults: easel_emulator::FaultSpec::parse("queue=0").unwrap(),
        ..easel_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib");
    let budget = dir.path().join("budget");
    let healthy = crate::resume::run_until_submitted_then_kill(
        &crate::reference_file(),
        &["--count", "2", "--concurrency", "2"],
        &emulator.base_url(),
        &library,
        &budget,
        2,
    )
    .await;
    // H4: rows a resume cannot read: truncated JSON, a node that is not an object, and a stored
    // graph over the node cap. The journal is written as an older or damaged Easel might have.
    let store = easel_engine::Store::open(&library.join(easel_engine::DATABASE_FILE)).unwrap();
    let huge = chain(12_000).to_string();
    let bad = [("bad-truncated", "{\"3\": {\"classType\""), ("bad-not-a-node", "{\"3\": 5}"), ("bad-huge", &huge)];
    let backend = emulator.base_url();
    let rows: Vec<easel_engine::NewRun<'_>> = bad
        .iter()
        .map(|(id, workflow)| easel_engine::NewRun {
            run_id: id,
            request_id: id,
            name: "hostile",
            backend: &backend,
            workflow,
            seeds: "{}",
            editor: Some("{not json"),
            kind: easel_engine::RunKind::Graph,
            uploads: Some("[{"),
        })
        .collect();
    store.insert_runs(&rows).unwrap();
    drop(store);
    // Rows written by a process long gone: no owner (as before ownership existed), so this
    // resume may take them. With this test process as their owner they would rightly be left.
    let conn = rusqlite::Connection::open(library.join(easel_engine::DATABASE_FILE)).unwrap();
    conn.execute("UPDATE runs SET owner = NULL, heartbeat = NULL WHERE run_id LIKE 'bad-%'", []).unwrap();
    drop(conn);

    let resume = {
        let library = library.clone();
        let url = emulator.base_url();
        tokio::task::spawn_blocking(move || {
            easel(
                &[os("resume"), os("--endpoint"), os(&url), os("--library"), library.as_os_str()],
                &[("EASEL_BUDGET_DIR", budget.as_os_str()), ("EASEL_API_KEY", os("cli-key"))],
            )
        })
        .await
        .unwrap()
    };
    resume.expect("resume with unreadable rows", 1).says(
        "resume",
        &[
            "cannot resume run bad-truncated",
            "cannot resume run bad-not-a-node",
            "cannot resume run bad-huge",
            "too many nodes: 12004, the limit is 10000",
        ],
    );
    let runs = journal(&library);
    assert_eq!((healthy.len(), runs.len()), (2, 5), "{runs:?}");
    for (run_id, status, code, images) in &runs {
        if healthy.contains(run_id) {
            assert_eq!((status.as_str(), *images), ("succeeded", 1), "{run_id} resumed and saved");
        } else {
            assert!(run_id.starts_with("bad-"), "{run_id}");
            assert_eq!((status.as_str(), *images), ("failed", 0), "{run_id} is failed, not stuck");
            assert!(code.is_some(), "{run_id} has an error code");
        }
    }
    assert_eq!(library_state(&library), (2, 2, 0), "the two healthy runs saved and indexed once each");
}
