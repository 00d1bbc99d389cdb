//! Lifetimes the emulator bounds: an upload slot's `expireSec` is checked (no wrap-around, at
//! most 7 days), and finished jobs and expired upload slots are forgotten once their URLs have
//! expired, so a long session holds bounded memory.

use std::time::Duration;

use easel_emulator::EmulatorConfig;
use serde_json::json;

use crate::{finish, get, post, reference_body, start, start_with, upload_slot};

#[tokio::test]
async fn expire_sec_is_checked_and_capped_at_seven_days() {
    let emu = start().await;
    for huge in [json!(u64::MAX), json!(u64::MAX.to_string()), json!(7 * 24 * 3600 + 1)] {
        let (status, reply) = post(&emu, "/v1/resource/image", &json!({"expireSec": huge})).await;
        assert_eq!(status, 400, "{huge}: {reply}");
        assert_eq!(reply["code"], 3);
        assert!(reply.to_string().contains("at most 604800 seconds"), "{reply}");
    }
    let (status, reply) = post(&emu, "/v1/resource/image", &json!({"expireSec": 7 * 24 * 3600})).await;
    assert_eq!(status, 200, "{reply}");
    let url = reqwest::Url::parse(reply["putUrl"].as_str().unwrap()).unwrap();
    let expires: u64 = url.query_pairs().find(|(k, _)| k == "Expires").unwrap().1.parse().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(expires > now, "a maximal lifetime is still in the future: {expires} vs {now}");
}

#[tokio::test]
async fn finished_jobs_and_expired_slots_are_forgotten_after_their_url_lifetime() {
    let lifetime = Duration::from_millis(200);
    let config = EmulatorConfig { step_delay: Duration::ZERO, url_lifetime: lifetime, ..EmulatorConfig::default() };
    let emu = start_with(config).await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("old-job")).await;
    let old = created["job"]["id"].as_str().unwrap().to_string();
    assert_eq!(finish(&emu, &old).await["status"], "SUCCESS");
    let slot = upload_slot(&emu).await;
    // Let the job's URLs expire; the sweep runs when the next job or slot is made.
    tokio::time::sleep(lifetime * 3).await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("new-job")).await;
    let new = created["job"]["id"].as_str().unwrap().to_string();
    let (status, reply) = get(&emu, &format!("/v1/jobs/{old}")).await;
    assert_eq!(status, 404, "the finished job is gone: {reply}");
    assert_eq!(get(&emu, &format!("/v1/jobs/{new}")).await.0, 200);
    // The forgotten job's requestId no longer names it: the same requestId makes a new job.
    let (_, again) = post(&emu, "/v1/jobs/workflow", &reference_body("old-job")).await;
    assert_ne!(again["job"]["id"].as_str().unwrap(), old);

    // The slot (default `expireSec` 3600 s) outlives the short result-URL lifetime, so it stays;
    // using it in a graph still finds it (refused only because nothing was PUT).
    upload_slot(&emu).await;
    let resource = slot["resourceId"].as_str().unwrap();
    let mut body = reference_body("uses-slot");
    body["params"] = json!({
        "1": {"classType": "LoadImage", "inputs": {"image": resource}},
        "2": {"classType": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}
    });
    let (status, reply) = post(&emu, "/v1/jobs/workflow", &body).await;
    assert_eq!(status, 400);
    assert!(reply.to_string().contains("whose bytes were never PUT"), "{reply}");
}

#[tokio::test]
async fn an_expired_slot_is_forgotten() {
    let config = EmulatorConfig { url_lifetime: Duration::from_millis(100), ..EmulatorConfig::default() };
    let emu = start_with(config).await;
    let (_, slot) = post(&emu, "/v1/resource/image", &json!({"expireSec": 1})).await;
    let resource = slot["resourceId"].as_str().unwrap().to_string();
    // Past its 1 s PUT lifetime plus the URL lifetime; the next slot sweeps it.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    upload_slot(&emu).await;
    let mut body = reference_body("uses-old-slot");
    body["params"] = json!({
        "1": {"classType": "LoadImage", "inputs": {"image": resource}},
        "2": {"classType": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}
    });
    let (status, reply) = post(&emu, "/v1/jobs/workflow", &body).await;
    assert_eq!(status, 400);
    assert!(reply.to_string().contains("is not an uploaded resource id"), "{reply}");
}
