//! One budget per key per machine: two `easel run --count 6` processes on the same key but
//! different library folders, started together, keep to 5 requests in any second between them
//! (the emulator enforces the limit per key, so any excess would come back as a 429).

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use tokio::process::Command;

use crate::{peak_and_429s, pngs_under, reference_file};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_key_share_five_requests_a_second() {
    let _timed = crate::TIMED.lock().await;
    let emulator = Emulator::start(EmulatorConfig {
        api_key: "shared-key".into(),
        step_delay: Duration::from_millis(30),
        faults: FaultSpec::parse("queue=0").unwrap(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let budget = tempfile::tempdir().unwrap();
    let libraries = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let runs: Vec<_> = libraries
        .iter()
        .map(|library| {
            Command::new(env!("CARGO_BIN_EXE_easel"))
                .arg("run")
                .arg(reference_file())
                .args(["--count", "6", "--concurrency", "6", "--yes", "--endpoint", &emulator.base_url()])
                .arg("--library")
                .arg(library.path())
                .env("EASEL_API_KEY", "shared-key")
                .env("EASEL_BUDGET_DIR", budget.path())
                .kill_on_drop(true)
                .output()
        })
        .collect();
    let outputs = tokio::time::timeout(Duration::from_secs(240), futures_util::future::join_all(runs))
        .await
        .expect("both batches finished within 240 s");
    for output in outputs {
        let output = output.unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    for library in &libraries {
        let pngs = pngs_under(library.path()).len();
        assert_eq!(pngs, 6, "every run of each batch saved its image");
    }
    let (peak, limited) = peak_and_429s(&emulator);
    assert!(peak <= 5, "{peak} requests within 0.9 s from two processes on one key");
    assert_eq!(limited, 0, "the service never had to answer 429");
}
