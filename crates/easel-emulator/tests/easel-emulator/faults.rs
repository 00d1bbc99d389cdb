//! Injected faults: 503s (reproducible from the seed), dropped connections, truncated and slow
//! downloads, failed jobs, queues and time speed-up.

use std::time::Duration;

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use serde_json::json;

use crate::{client, download, finish, get, poll_until, post, reference_body, run_reference, start_with, KEY};

async fn with_faults(spec: &str) -> Emulator {
    let faults = FaultSpec::parse(spec).unwrap();
    start_with(EmulatorConfig { step_delay: Duration::from_millis(2), faults, ..EmulatorConfig::default() }).await
}

async fn statuses(spec: &str) -> Vec<u16> {
    let emu = with_faults(spec).await;
    let mut out = Vec::new();
    for _ in 0..30 {
        let reply =
            client().get(format!("{}/v1/models/664602165660323756", emu.base_url())).bearer_auth(KEY).send().await;
        out.push(reply.unwrap().status().as_u16());
    }
    emu.shutdown().await;
    out
}

#[tokio::test]
async fn error_rate_gives_503_code_14_reproducibly() {
    let a = statuses("5xx=0.5,seed=7").await;
    assert_eq!(a, statuses("5xx=0.5,seed=7").await);
    assert_ne!(a, statuses("5xx=0.5,seed=8").await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
    let emu = with_faults("5xx=1").await;
    let (status, body) = get(&emu, "/v1/jobs/1").await;
    assert_eq!((status, body["code"].clone()), (503, json!(14)));
    emu.shutdown().await;
}

#[tokio::test]
async fn reset_drops_the_connection_without_a_reply() {
    let emu = with_faults("reset=1").await;
    let reply = client().get(format!("{}/v1/jobs/1", emu.base_url())).bearer_auth(KEY).send().await;
    let failed = match reply {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the request should fail at the transport level");
    emu.shutdown().await;
}

#[tokio::test]
async fn truncated_download_is_short_and_slow_download_is_whole() {
    let emu = with_faults("truncate=1").await;
    let job = run_reference(&emu, "tr").await;
    let url = job["successInfo"]["images"][0]["url"].as_str().unwrap();
    // Every truncated download first delivers its status line and headers, promising the whole
    // file, then stops short: the client sees a reply whose body cannot be read in full.
    for _ in 0..5 {
        let reply = client().get(url).send().await.expect("the head always arrives");
        assert_eq!(reply.status().as_u16(), 200);
        let promised = reply.content_length().expect("Content-Length");
        assert!(promised > 100_000, "the whole PNG is promised: {promised}");
        match reply.bytes().await {
            Err(_) => {}
            Ok(bytes) => assert!((bytes.len() as u64) < promised),
        }
    }
    emu.shutdown().await;

    let emu = with_faults("slow=4000000").await;
    let job = run_reference(&emu, "sl").await;
    let (status, bytes) = download(job["successInfo"]["images"][0]["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(crate::png_size(&bytes), (1024, 1536));
    emu.shutdown().await;
}

#[tokio::test]
async fn truncated_download_sends_part_of_the_body_then_closes() {
    let emu = with_faults("truncate=1,seed=5").await;
    let job = run_reference(&emu, "raw").await;
    let url = job["successInfo"]["images"][0]["url"].as_str().unwrap();
    let path = &url[emu.base_url().len()..];
    let (head, body) =
        crate::raw_exchange(&emu, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).await;
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    let promised: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_string))
        .and_then(|n| n.trim().parse().ok())
        .expect("Content-Length");
    // Some of the body arrives (the cut falls at 10-90% of the file; what of it reaches the
    // client depends on how much the socket took before the connection was dropped).
    assert!(!body.is_empty() && body.len() < promised, "{} of {promised}", body.len());
    emu.shutdown().await;
}

#[tokio::test]
async fn failing_jobs_end_failed_with_failed_info_and_no_credits() {
    let emu = with_faults("fail=1,seed=3").await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("f")).await;
    let id = created["job"]["id"].as_str().unwrap();
    let last = poll_until(&emu, id, |j| j["status"] == "FAILED").await.pop().unwrap();
    assert_eq!(last["failedInfo"]["code"], "TRANSITORY_ERROR");
    assert!(last["failedInfo"]["reason"].as_str().unwrap().contains("node"));
    assert!(last.get("credits").is_none() && last.get("successInfo").is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn queued_job_waits_with_rank_and_length_as_strings() {
    let faults = FaultSpec::parse("queue=2").unwrap();
    let emu = start_with(EmulatorConfig { step_delay: Duration::from_millis(300), faults, ..Default::default() }).await;
    let (_, created) = post(&emu, "/v1/jobs/workflow", &reference_body("q")).await;
    let id = created["job"]["id"].as_str().unwrap();
    let seen = poll_until(&emu, id, |j| j["status"] != "CREATED").await;
    let waiting = seen.last().unwrap();
    assert_eq!(waiting["status"], "WAITING");
    assert_eq!(waiting["waitingInfo"]["queueLen"], "2");
    assert!(["1", "2"].contains(&waiting["waitingInfo"]["queueRank"].as_str().unwrap()));
    emu.shutdown().await;
}

#[tokio::test]
async fn speed_up_and_latency_still_run_jobs() {
    let faults = FaultSpec::parse("speed=100,latency=5ms").unwrap();
    let emu = start_with(EmulatorConfig { faults, ..Default::default() }).await;
    let job = run_reference(&emu, "fast").await;
    assert_eq!(job["status"], "SUCCESS");
    let again = finish(&emu, job["id"].as_str().unwrap()).await;
    assert_eq!(again["id"], job["id"]);
    emu.shutdown().await;
}
