//! What building the HTTP client costs, beside a baseline measured in the same run: the same
//! builder without the system's root certificates. `Client::http` builds one per process, at the
//! first request, which in the app falls inside its start (the form's model lookup), so the cold
//! build in a fresh process is the figure that matters; each is timed in a child process of its
//! own. It also prints the warm median (later builds in one process). No network is used.
//!
//! cargo run --release -p easel-tams --example tls_bench

use std::process::Command;
use std::time::{Duration, Instant};

/// Children started per variant: enough for a stable median, and a bounded loop.
const COLD_RUNS: usize = 15;
const WARM_RUNS: usize = 30;

fn build(with_roots: bool) -> Result<Duration, String> {
    let start = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .tls_built_in_root_certs(with_roots)
        .build()
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    drop(client);
    Ok(took)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The cold build of one variant, in a child process of this program.
fn cold(variant: &str) -> Result<Duration, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe).args(["--child", variant]).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let micros: u64 = text.trim().parse().map_err(|_| format!("child said {text:?}"))?;
    Ok(Duration::from_micros(micros))
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let took = build(args.get(2).map(String::as_str) == Some("roots"))?;
        println!("{}", took.as_micros());
        return Ok(());
    }
    println!("HTTP client build (reqwest with the workspace's TLS backend)");
    let mut rows = Vec::new();
    for (variant, label) in
        [("roots", "with the system's root certificates"), ("bare", "baseline: no root certificates")]
    {
        let cold: Vec<Duration> = (0..COLD_RUNS).map(|_| cold(variant)).collect::<Result<_, _>>()?;
        let warm: Vec<Duration> = (0..WARM_RUNS).map(|_| build(variant == "roots")).collect::<Result<_, _>>()?;
        let (cold, warm) = (median(cold), median(warm));
        println!("  {label}: cold (fresh process) median {:.1} ms, warm median {:.1} ms", ms(cold), ms(warm));
        rows.push(cold);
    }
    // A ratio would divide by a baseline near zero (rustls builds without roots in microseconds),
    // so the roots' own cost is printed instead.
    println!("  the root certificates' own cost, cold: {:.1} ms", ms(rows[0]) - ms(rows[1]));
    Ok(())
}
