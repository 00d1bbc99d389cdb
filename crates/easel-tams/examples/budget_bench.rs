//! What the request budget costs in throughput, and what the service sees, at several answer
//! latencies. The budget counts a request from its grant until one window after its answer, so
//! a slow answer holds its place longer; the baseline, printed beside each figure, is the most
//! the budget's rule could ever allow (5 per 1.1 s, evenly spaced). The peak is counted from the
//! emulator's own arrival log, in any 1 s window, as the service counts. Runs against the
//! in-process emulator on 127.0.0.1 only; every loop is bounded by its request count.
//!
//! cargo run --release -p easel-tams --example budget_bench

use std::sync::Arc;
use std::time::{Duration, Instant};

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use easel_tams::{Auth, Budget, Client, ClientConfig, Sensitive, TAMS_REQUESTS_PER_WINDOW, TAMS_WINDOW};

/// Requests per latency, sent by `CALLERS` tasks at once (the engine polls many jobs together).
const REQUESTS: usize = 60;
const CALLERS: usize = 12;
const KEY: &str = "budget-bench-key";

async fn measure(latency_ms: u64) -> Result<(f64, usize, usize), String> {
    let emulator = Emulator::start(EmulatorConfig {
        api_key: KEY.into(),
        faults: FaultSpec::parse(&format!("latency={latency_ms}ms")).map_err(|e| e.to_string())?,
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    let mut config = ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new(KEY.into())));
    config.max_attempts = 1;
    let client = Client::new(config, Arc::new(Budget::tams_default())).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for caller in 0..CALLERS {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for k in (caller..REQUESTS).step_by(CALLERS) {
                // An unknown job: one cheap request each, answered 404 after the latency. The
                // answer itself does not matter here, only when the request was let go.
                let unknown = client.get_job(&format!("none-{k}")).await;
                debug_assert!(unknown.is_err());
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())?;
    }
    let took = start.elapsed().as_secs_f64();
    let peak = emulator.peak_arrivals(Duration::from_secs(1));
    // Counted by the emulator: the client waits a 429 out and retries, so it would not say.
    let limited = emulator.requests().iter().filter(|r| r.status == 429).count();
    Ok((emulator.request_arrivals().len() as f64 / took, peak, limited))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let ceiling = TAMS_REQUESTS_PER_WINDOW as f64 / TAMS_WINDOW.as_secs_f64();
    println!("{REQUESTS} requests from {CALLERS} callers through one TAMS budget; baseline: the rule's ceiling, {ceiling:.2} requests/s");
    for latency_ms in [0, 100, 300] {
        let (rate, peak, limited) = measure(latency_ms).await?;
        println!(
            "answer latency {latency_ms:>3} ms: {rate:.2} requests/s ({:.2} of the ceiling), peak {peak} arrivals in any 1 s (limit 5), {limited} answered 429",
            rate / ceiling
        );
    }
    Ok(())
}
