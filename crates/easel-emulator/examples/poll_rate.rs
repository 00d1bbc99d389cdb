//! Benchmark: sustained `GET /v1/jobs/{id}` rate over loopback with 50 live jobs, against a
//! baseline of the cheapest authenticated endpoint (`GET /v1/models/{id}`) in the same run.
//! Prints figures; asserts nothing. Run: `cargo run -p easel-emulator --example poll_rate [secs]`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use easel_emulator::{Emulator, EmulatorConfig};

const KEY: &str = "bench";
const JOBS: usize = 50;
const WORKERS: usize = 8;

async fn hammer(urls: Arc<Vec<String>>, seconds: f64) -> f64 {
    let client = reqwest::Client::new();
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..WORKERS)
        .map(|w| {
            let (client, urls, count) = (client.clone(), urls.clone(), count.clone());
            tokio::spawn(async move {
                let mut i = w;
                while Instant::now() < deadline {
                    let url = &urls[i % urls.len()];
                    match client.get(url).bearer_auth(KEY).send().await {
                        Ok(reply) if reply.status().is_success() => match reply.bytes().await {
                            Ok(_) => {
                                count.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => eprintln!("body failed: {e}"),
                        },
                        other => eprintln!("request failed: {other:?}"),
                    }
                    i += WORKERS;
                }
            })
        })
        .collect();
    for task in tasks {
        if let Err(e) = task.await {
            eprintln!("worker stopped: {e}");
        }
    }
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3.0);
    // One-second steps keep all 50 reference jobs RUNNING (node by node) for the whole run.
    let config =
        EmulatorConfig { api_key: KEY.into(), rate_limit: 0, step_delay: Duration::from_secs(1), ..Default::default() };
    let emu = Emulator::start(config).await?;
    let client = reqwest::Client::new();
    let mut job_urls = Vec::with_capacity(JOBS);
    for n in 0..JOBS {
        let mut body: serde_json::Value = serde_json::from_str(easel_workflow::REFERENCE_WORKFLOW)?;
        body["requestId"] = format!("bench-{n}").into();
        let reply: serde_json::Value = client
            .post(format!("{}/v1/jobs/workflow", emu.base_url()))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        let id = reply["job"]["id"].as_str().ok_or("no job id")?;
        job_urls.push(format!("{}/v1/jobs/{id}", emu.base_url()));
    }
    let model_urls = Arc::new(vec![format!("{}/v1/models/664602165660323756", emu.base_url())]);
    let baseline = hammer(model_urls, seconds).await;
    let polls = hammer(Arc::new(job_urls), seconds).await;
    println!("workers: {WORKERS}, live jobs: {JOBS}, seconds per measure: {seconds}");
    println!("baseline GET /v1/models/{{id}}: {baseline:.0} req/s");
    println!("GET /v1/jobs/{{id}} (RUNNING jobs): {polls:.0} req/s");
    println!("ratio polls / baseline: {:.2}", polls / baseline);
    emu.shutdown().await;
    Ok(())
}
