//! Crash safety: `easel run` is killed with SIGKILL while 10 jobs are in flight; `easel resume`
//! then finishes them at once. Every image must be present exactly once, every file valid, and
//! the two processes together must keep to the service's 5 requests a second (the emulator
//! enforces it, so a 429 would show).

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::{files_under, pngs_under, reference_file};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_batch_then_resume_saves_every_image_exactly_once() {
    let _timed = crate::TIMED.lock().await;
    let emulator = Emulator::start(EmulatorConfig {
        api_key: "cli-key".into(),
        step_delay: Duration::from_millis(60),
        faults: FaultSpec::parse("queue=0").unwrap(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let library = tempfile::tempdir().unwrap();
    let budget = tempfile::tempdir().unwrap();
    let submitted = run_until_submitted_then_kill(
        &reference_file(),
        &["--count", "10", "--concurrency", "10"],
        &emulator.base_url(),
        library.path(),
        budget.path(),
        10,
    )
    .await;

    let resumed = tokio::time::timeout(
        Duration::from_secs(120),
        Command::new(env!("CARGO_BIN_EXE_easel"))
            .args(["resume", "--json", "--endpoint", &emulator.base_url()])
            .arg("--library")
            .arg(library.path())
            .env("EASEL_API_KEY", "cli-key")
            .env("EASEL_BUDGET_DIR", budget.path())
            .output(),
    )
    .await
    .expect("resume finished within 120 s")
    .unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));

    let files = files_under(library.path());
    assert!(files.iter().all(|f| !f.to_string_lossy().ends_with(".part")), "half-written files left: {files:?}");
    let pngs: Vec<_> = files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    assert_eq!(pngs.len(), 10, "one image per run: {pngs:?}");
    let mut runs = HashSet::new();
    let mut seeds = HashSet::new();
    for png in &pngs {
        let bytes = std::fs::read(png).unwrap();
        let image = image::load_from_memory(&bytes).unwrap();
        assert_eq!((image.width(), image.height()), (1024, 1536), "{}", png.display());
        let text = easel_workflow::png_text_chunks(&bytes).unwrap();
        let easel: serde_json::Value =
            serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").unwrap().1).unwrap();
        runs.insert(easel["runId"].as_str().unwrap().to_string());
        seeds.insert(easel["seeds"]["3"]["seed"].as_u64().unwrap());
    }
    assert_eq!(runs, submitted, "each image belongs to a distinct run of the batch");
    assert_eq!(seeds, (12345..12355).collect::<HashSet<u64>>());

    // A second resume finds nothing left to do.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_easel"))
        .args(["resume", "--json", "--endpoint", &emulator.base_url()])
        .arg("--library")
        .arg(library.path())
        .env("EASEL_API_KEY", "cli-key")
        .env("EASEL_BUDGET_DIR", budget.path())
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(again.stdout.is_empty(), "nothing to resume: {}", String::from_utf8_lossy(&again.stdout));
    let (peak, limited) = crate::peak_and_429s(&emulator);
    assert!(peak <= 5, "{peak} requests within 0.9 s across the killed run and the resume");
    assert_eq!(limited, 0, "the service never had to answer 429");
}

/// A batch that uploaded a local picture is killed after its first job; the resume finishes it
/// from the journal without uploading again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_batch_never_uploads_its_picture_again() {
    let _timed = crate::TIMED.lock().await;
    let emulator =
        Emulator::start(EmulatorConfig { api_key: "cli-key".into(), ..EmulatorConfig::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.png");
    std::fs::copy(crate::shared().join("corpus/png/comfy_img2img.png"), &input).unwrap();
    let file = crate::load_image_graph(dir.path(), &input);
    let library = dir.path().join("lib");
    let budget = dir.path().join("budget");
    run_until_submitted_then_kill(
        &file,
        &["--count", "4", "--concurrency", "1"],
        &emulator.base_url(),
        &library,
        &budget,
        1,
    )
    .await;

    let resumed = tokio::time::timeout(
        Duration::from_secs(120),
        Command::new(env!("CARGO_BIN_EXE_easel"))
            .args(["resume", "--endpoint", &emulator.base_url()])
            .arg("--library")
            .arg(&library)
            .env("EASEL_API_KEY", "cli-key")
            .env("EASEL_BUDGET_DIR", &budget)
            .output(),
    )
    .await
    .expect("resume finished within 120 s")
    .unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    assert!(!String::from_utf8_lossy(&resumed.stderr).contains("uploading"));
    let pngs = pngs_under(&library).len();
    assert_eq!(pngs, 4, "every run of the batch saved its image");
    let slots = emulator.requests().iter().filter(|r| r.path == "/v1/resource/image").count();
    assert_eq!(slots, 1, "one upload for the batch, none on resume");
}

/// Starts `easel run <workflow> <args> --json` against `endpoint`, waits until `jobs` runs were
/// submitted (reading its events), SIGKILLs it, and returns the ids of those runs.
pub(crate) async fn run_until_submitted_then_kill(
    workflow: &Path,
    args: &[&str],
    endpoint: &str,
    library: &Path,
    budget: &Path,
    jobs: usize,
) -> HashSet<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(workflow)
        .args(args)
        .args(["--json", "--endpoint", endpoint])
        .arg("--library")
        .arg(library)
        .env("EASEL_API_KEY", "cli-key")
        .env("EASEL_BUDGET_DIR", budget)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut submitted = HashSet::new();
    let wait = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let event: serde_json::Value = serde_json::from_str(&line).unwrap();
            if event["change"]["kind"] == "submitted" {
                submitted.insert(event["runId"].as_str().unwrap().to_string());
                if submitted.len() == jobs {
                    return;
                }
            }
        }
    });
    wait.await.unwrap_or_else(|_| panic!("{jobs} job(s) were submitted within 60 s"));
    // The events also end when the run exits early (a refused key, say): that is no kill test.
    assert_eq!(submitted.len(), jobs, "the run ended before {jobs} job(s) were submitted");
    child.start_kill().unwrap(); // SIGKILL
    let status = child.wait().await.unwrap();
    assert!(!status.success());
    submitted
}

/// Audit M4: two `easel resume` processes started at the same moment on one library split the
/// killed batch between them: each run is claimed by exactly one of them, every image is saved
/// and indexed exactly once, the journal says succeeded for every run (with its image), and
/// each process's exit code matches what its own runs did.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_resumes_at_once_share_the_batch_and_save_each_image_once() {
    let _timed = crate::TIMED.lock().await;
    const RUNS: usize = 8;
    let emulator = Emulator::start(EmulatorConfig {
        api_key: "cli-key".into(),
        step_delay: Duration::from_millis(60),
        faults: FaultSpec::parse("queue=0").unwrap(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let library = tempfile::tempdir().unwrap();
    let budget = tempfile::tempdir().unwrap();
    // Four submitted and four still queued when the kill lands.
    run_until_submitted_then_kill(
        &reference_file(),
        &["--count", &RUNS.to_string(), "--concurrency", "4"],
        &emulator.base_url(),
        library.path(),
        budget.path(),
        4,
    )
    .await;

    let resume = || {
        Command::new(env!("CARGO_BIN_EXE_easel"))
            .args(["resume", "--json", "--endpoint", &emulator.base_url()])
            .arg("--library")
            .arg(library.path())
            .env("EASEL_API_KEY", "cli-key")
            .env("EASEL_BUDGET_DIR", budget.path())
            .kill_on_drop(true)
            .output()
    };
    let both = tokio::time::timeout(Duration::from_secs(180), async { tokio::join!(resume(), resume()) });
    let (first, second) = both.await.expect("both resumes finished within 180 s");
    let outputs = [first.unwrap(), second.unwrap()];

    // What each process drove, from its own events: the runs it reported on, and which failed.
    let mut claimed: Vec<HashSet<String>> = Vec::new();
    for (i, output) in outputs.iter().enumerate() {
        let mut runs = HashSet::new();
        let mut failed = HashSet::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            let run = event["runId"].as_str().unwrap().to_string();
            if event["change"]["kind"] == "failed" {
                failed.insert(run.clone());
            }
            runs.insert(run);
        }
        println!("resume {i}: exit {:?}, drove {} run(s), {} failed", output.status.code(), runs.len(), failed.len());
        let expected = if failed.is_empty() { 0 } else { 1 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "resume {i}: its exit code says what its runs did ({failed:?}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        claimed.push(runs);
    }
    assert!(
        claimed[0].is_disjoint(&claimed[1]),
        "a run was driven by both: {:?}",
        claimed[0].intersection(&claimed[1])
    );

    let files = files_under(library.path());
    assert!(files.iter().all(|f| !f.to_string_lossy().ends_with(".part")), "half-written files left: {files:?}");
    let mut per_run: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for png in files.iter().filter(|p| p.extension().is_some_and(|e| e == "png")) {
        let text = easel_workflow::png_text_chunks(&std::fs::read(png).unwrap()).unwrap();
        let easel: serde_json::Value =
            serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").unwrap().1).unwrap();
        *per_run.entry(easel["runId"].as_str().unwrap().to_string()).or_default() += 1;
    }
    assert_eq!(per_run.len(), RUNS, "every run has its image: {per_run:?}");
    assert!(per_run.values().all(|&n| n == 1), "one PNG per run: {per_run:?}");

    let index = rusqlite::Connection::open(library.path().join("library.sqlite")).unwrap();
    let mut indexed: Vec<(String, i64)> = index
        .prepare("SELECT run_id, COUNT(*) FROM images GROUP BY run_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    indexed.sort();
    let mut expected: Vec<(String, i64)> = per_run.keys().map(|r| (r.clone(), 1)).collect();
    expected.sort();
    assert_eq!(indexed, expected, "one gallery row per run");

    let journal = rusqlite::Connection::open(library.path().join(easel_engine::DATABASE_FILE)).unwrap();
    let rows: Vec<(String, String, i64)> = journal
        .prepare("SELECT run_id, status, (SELECT COUNT(*) FROM images i WHERE i.run_id = r.run_id) FROM runs r")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), RUNS);
    for (run, status, images) in &rows {
        assert_eq!((status.as_str(), *images), ("succeeded", 1), "{run}: the journal says what happened");
    }
    // Not asserted to be the whole batch: a run may have finished before the kill landed.
    println!("the two resumes drove {} of {RUNS} runs", claimed.iter().map(HashSet::len).sum::<usize>());
    let (_, limited) = crate::peak_and_429s(&emulator);
    assert_eq!(limited, 0, "the shared budget kept the two processes and the killed run under the rate limit");
}
