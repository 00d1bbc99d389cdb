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

use crate::{files_under, reference_file};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_batch_then_resume_saves_every_image_exactly_once() {
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
    assert!(peak <= 5, "{peak} requests within one second across the killed run and the resume");
    assert_eq!(limited, 0, "the service never had to answer 429");
}

/// A batch that uploaded a local picture is killed after its first job; the resume finishes it
/// from the journal without uploading again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_batch_never_uploads_its_picture_again() {
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
    let pngs = files_under(&library).into_iter().filter(|p| p.extension().is_some_and(|e| e == "png")).count();
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
