//! Engine benchmarks against the emulator on 127.0.0.1, each beside its baseline in the same run:
//! (a) for runs one at a time, time from a job's images appearing (and from the job turning
//!     SUCCESS) to the image saved and its event sent, beside a fixed 1 s poller and the 5 s
//!     poller of the official ComfyUI node pack (both wait for SUCCESS, then download);
//! (b) 100 concurrent jobs: the highest request count the emulator saw in any 1 s window, and
//!     the total time beside the minimum the 5 requests/s budget allows;
//! (c) download throughput of the engine's client beside `curl` on the same files.
//! Run: `cargo run --release -p easel-engine --example engine_bench`

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use easel_emulator::{Emulator, EmulatorConfig, FaultSpec};
use easel_engine::{Engine, EventSink, Hooks, JobChange, LocalFiles, RunLimits, RunRequest, WildcardMode, Work};
use easel_tams::{Auth, Budget, Client, ClientConfig, JobStatus, Sensitive};
use easel_workflow::{Workflow, REFERENCE_WORKFLOW};

const JOBS_A: usize = 10;
const JOBS_B: u32 = 100;

#[tokio::main]
async fn main() {
    let workflow = Workflow::from_json_str(REFERENCE_WORKFLOW).expect("reference").workflow;
    latency(&workflow).await;
    rate(&workflow).await;
    throughput(&workflow).await;
}

async fn emulator(rate_limit: u32) -> (Emulator, Client) {
    let config = EmulatorConfig {
        api_key: "bench".into(),
        step_delay: Duration::from_millis(20),
        rate_limit,
        faults: FaultSpec::parse("queue=0").expect("faults"),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.expect("emulator");
    let client = Client::new(
        ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("bench".into()))),
        Arc::new(Budget::tams_default()),
    )
    .expect("client");
    (emulator, client)
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

async fn latency(workflow: &Workflow) {
    let (emulator, client) = emulator(0).await;
    let library = tempfile::tempdir().expect("tempdir");
    let saved: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let jobs: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let (s, j) = (saved.clone(), jobs.clone());
    let sink: EventSink = Arc::new(move |e| match e.change {
        JobChange::ImageSaved { .. } => {
            s.lock().expect("lock").insert(e.run_id, Instant::now());
        }
        JobChange::Submitted { job_id } => {
            j.lock().expect("lock").insert(e.run_id, job_id);
        }
        _ => {}
    });
    // One job at a time: the latency of a run, not of the shared budget.
    let limits = RunLimits { concurrency: 1, ..RunLimits::default() };
    let engine = Engine::open(library.path(), client.clone(), sink, limits).expect("engine");
    let request = RunRequest {
        name: "bench".into(),
        count: JOBS_A as u32,
        work: Work::Graph {
            workflow: workflow.clone(),
            seeds: Vec::new(),
            editor: None,
            wildcards: WildcardMode::Off,
            sweep: None,
        },
        local_files: LocalFiles::None,
        models: Vec::new(),
    };
    for handle in engine.start(request, &Hooks::approve_all()).await.expect("start").runs {
        handle.task.await.expect("run");
    }
    let (mut from_outputs, mut from_success) = (Vec::new(), Vec::new());
    for (run, job) in jobs.lock().expect("lock").iter() {
        let (outputs, success) = emulator.job_milestones(job).expect("milestones");
        let at = saved.lock().expect("lock")[run];
        from_outputs.push(at.saturating_duration_since(outputs).as_secs_f64() * 1000.0);
        from_success.push((at.max(success) - success).as_secs_f64() * 1000.0);
    }
    let (o50, o95) = stats(from_outputs);
    let (s50, s95) = stats(from_success);
    println!(
        "(a) image on disk + event after the URL appears, engine: median {o50:.0} ms, p95 {o95:.0} ms ({JOBS_A} jobs)"
    );
    println!("(a) after job SUCCESS, engine (0 = saved before SUCCESS): median {s50:.0} ms, p95 {s95:.0} ms");
    // The baselines poll with no shared budget (as the node pack does).
    let unbudgeted = Client::new(
        ClientConfig::new(emulator.base_url(), Auth::Bearer(Sensitive::new("bench".into()))),
        Arc::new(Budget::new(10_000, Duration::from_secs(1))),
    )
    .expect("client");
    for interval in [1u64, 5] {
        // One job at a time, as for the engine, so both pay the same rendering cost per image.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut lat = Vec::new();
        for i in 0..JOBS_A {
            let path = dir.path().join(format!("{i}.png"));
            let (job, done) = baseline_poller(&unbudgeted, &workflow.to_tams_params(), interval, &path).await;
            let (_, success) = emulator.job_milestones(&job).expect("milestones");
            lat.push(done.saturating_duration_since(success).as_secs_f64() * 1000.0);
        }
        let (b50, b95) = stats(lat);
        println!(
            "(a) after job SUCCESS, fixed {interval} s poller: median {b50:.0} ms, p95 {b95:.0} ms; ratio to engine median: {:.1}x",
            b50 / s50.max(1.0)
        );
    }
}

async fn baseline_poller(
    client: &Client,
    params: &serde_json::Value,
    interval: u64,
    path: &std::path::Path,
) -> (String, Instant) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let job = client.create_workflow_job(&id, params).await.expect("create");
    let job_id = job.id.expect("id");
    loop {
        tokio::time::sleep(Duration::from_secs(interval)).await;
        let job = client.get_job(&job_id).await.expect("get");
        if job.status == JobStatus::Success {
            let url = job.success_info.and_then(|s| s.images.into_iter().next()).and_then(|i| i.url).expect("url");
            let mut file = tokio::fs::File::create(path).await.expect("file");
            client.download(&url, &mut file).await.expect("download");
            return (job_id, Instant::now());
        }
    }
}

async fn rate(workflow: &Workflow) {
    let (emulator, client) = emulator(5).await;
    let library = tempfile::tempdir().expect("tempdir");
    let limits = RunLimits { concurrency: JOBS_B as usize, ..RunLimits::default() };
    let engine = Engine::open(library.path(), client, Arc::new(|_| {}), limits).expect("engine");
    let request = RunRequest {
        name: "bench".into(),
        count: JOBS_B,
        work: Work::Graph {
            workflow: workflow.clone(),
            seeds: Vec::new(),
            editor: None,
            wildcards: WildcardMode::Off,
            sweep: None,
        },
        local_files: LocalFiles::None,
        models: Vec::new(),
    };
    let start = Instant::now();
    let mut failed = 0;
    for handle in engine.start(request, &Hooks::approve_all()).await.expect("start").runs {
        failed += usize::from(handle.task.await.expect("run").error.is_some());
    }
    let total = start.elapsed().as_secs_f64();
    let arrivals = emulator.request_arrivals();
    let peak = emulator.peak_arrivals(Duration::from_secs(1));
    // Every job needs at least a create and one poll that sees its result.
    let minimum = (2 * JOBS_B) as f64 / 5.0;
    println!(
        "(b) {JOBS_B} concurrent jobs: {} requests, peak {peak} in any 1 s window (limit 5), {failed} failed; total {total:.1} s vs {minimum:.1} s minimum at 5 req/s: ratio {:.2}",
        arrivals.len(),
        total / minimum
    );
}

async fn throughput(workflow: &Workflow) {
    let (_emulator, client) = emulator(0).await;
    let mut urls = Vec::new();
    for i in 0..8 {
        let mut w = workflow.clone();
        w.set_value("3", "seed", serde_json::Value::from(i)).expect("seed");
        let job = client.create_workflow_job(&format!("tp{i}"), &w.to_tams_params()).await.expect("create");
        let id = job.id.expect("id");
        loop {
            let job = client.get_job(&id).await.expect("get");
            if job.status == JobStatus::Success {
                urls.push(job.success_info.and_then(|s| s.images.into_iter().next()).and_then(|i| i.url).expect("url"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // Warm the emulator's render cache so both sides fetch the same ready bytes.
    let mut bytes = 0u64;
    for (i, url) in urls.iter().enumerate() {
        let mut file = tokio::fs::File::create(dir.path().join(format!("w{i}"))).await.expect("file");
        bytes += client.download(url, &mut file).await.expect("download");
    }
    let rounds = 5;
    let start = Instant::now();
    for r in 0..rounds {
        for (i, url) in urls.iter().enumerate() {
            let mut file = tokio::fs::File::create(dir.path().join(format!("e{r}-{i}"))).await.expect("file");
            client.download(url, &mut file).await.expect("download");
        }
    }
    let engine_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for r in 0..rounds {
        for (i, url) in urls.iter().enumerate() {
            let status = std::process::Command::new("curl")
                .args(["-sf", "-o"])
                .arg(dir.path().join(format!("c{r}-{i}")))
                .arg(url)
                .status()
                .expect("curl");
            assert!(status.success());
        }
    }
    let curl_s = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "(c) download of {} files x {rounds} ({mb:.1} MB): engine client {:.0} MB/s, curl {:.0} MB/s (one process per file); ratio {:.2}",
        urls.len(),
        mb / engine_s,
        mb / curl_s,
        (mb / engine_s) / (mb / curl_s)
    );
}
