//! An independent client: the official TAMS JS SDK (npm `tams-sdk` 1.0.0, its own RSA signing)
//! runs getModel, getJob, createJob (stages), cancelJob and uploadFile against the emulator.
//! Needs `node` and the SDK installed in `tests/sdk/node_modules`: `make test` runs `npm ci`
//! there beforehand, so the test itself never touches the network.

use std::path::PathBuf;
use std::process::Command;

use easel_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

use crate::{post, reference_body, KEY};

fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("sdk")
}

#[tokio::test]
async fn official_js_sdk_talks_to_the_emulator() {
    let dir = sdk_dir();
    assert!(
        dir.join("node_modules").join("tams-sdk").exists(),
        "the official SDK is not installed in {}: run `make test` (it runs npm ci there first)",
        dir.display()
    );
    let config = EmulatorConfig {
        api_key: KEY.into(),
        app_id: Some("rA0R2ywjw".into()),
        public_key_pem: Some(include_str!("test-key.pub.pem").into()),
        rate_limit: 0,
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start(config).await.unwrap();
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("sdk")).await;
    let job_id = created["job"]["id"].as_str().unwrap().to_string();
    let key_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/easel-emulator/test-key.pem");
    let url = emu.base_url();
    let run = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("check.mjs")
            .current_dir(dir)
            .env("EMULATOR_URL", url)
            .env("APP_ID", "rA0R2ywjw")
            .env("KEY_PATH", key_path)
            .env("JOB_ID", &job_id)
            .output()
    });
    let output = run.await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let calls: Vec<Value> =
        stdout.lines().filter(|l| l.starts_with("{\"call\"")).map(|l| serde_json::from_str(l).unwrap()).collect();
    let value = |name: &str| calls.iter().find(|c| c["call"] == name).map(|c| c["value"].clone()).unwrap();
    assert_eq!(value("getModel")["model"]["modelType"], "CHECKPOINT");
    assert_eq!(value("getJob")["job"]["id"], created["job"]["id"]);
    let stage_job = value("createJob")["job"]["id"].clone();
    assert_eq!(value("createJob")["job"]["status"], "CREATED");
    assert_eq!(value("cancelJob")["jobId"], stage_job);
    assert_eq!(value("getCanceledJob")["job"]["status"], "CANCELED");
    assert!(value("uploadFile")["resourceId"].as_str().is_some_and(|r| !r.is_empty()));
    emu.shutdown().await;
}
