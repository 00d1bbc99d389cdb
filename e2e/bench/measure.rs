//! What the UI benchmark measures in the page and in /proc: frame intervals collected with
//! requestAnimationFrame, percentiles, and the memory of a program and every process below it
//! (WebKit's web and network processes).

use serde_json::json;

use crate::driver::Session;

/// Frame intervals (ms) over `ms` milliseconds, collected in the page with requestAnimationFrame;
/// `scroll` (px per second) scrolls the gallery grid meanwhile.
pub async fn frames(session: &Session, ms: u64, scroll: f64) -> Vec<f64> {
    let source = "const [ms, speed, done] = arguments;
        const grid = document.querySelector('[data-testid=gallery-scroller]');
        const out = []; let last = performance.now(); const end = last + ms;
        function tick(now) {
            out.push(now - last);
            if (speed && grid) grid.scrollTop += speed * (now - last) / 1000;
            last = now;
            if (now < end) requestAnimationFrame(tick); else done(out.slice(1));
        }
        requestAnimationFrame(tick);";
    let value = session.script_async(source, json!([ms, scroll])).await;
    serde_json::from_value(value).expect("frame list")
}

pub fn pct(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

pub fn median(values: &[f64]) -> f64 {
    pct(values, 0.5)
}

/// One line: count, p50, p95, max and the frames over two display intervals.
pub fn describe(label: &str, f: &[f64]) {
    let long = f.iter().filter(|&&x| x > 33.4).count();
    let over50 = f.iter().filter(|&&x| x > 50.0).count();
    println!(
        "  {label:<34} {:>4} frames  p50 {:>5.1}  p95 {:>6.1}  max {:>6.1} ms  >33 ms: {long:>3}  >50 ms: {over50:>3}",
        f.len(),
        median(f),
        pct(f, 0.95),
        pct(f, 1.0)
    );
}

/// Memory (KiB) of the process named `name` and every process below it: (PSS, RSS). PSS comes
/// from /proc/<pid>/smaps_rollup (shared pages split between the processes that map them, so
/// the sum is what the program costs); it is 0 where the kernel has no rollup.
pub fn memory_kib(name: &str) -> (u64, u64) {
    memory_by_process(name).iter().fold((0, 0), |(p, r), m| (p + m.1, r + m.2))
}

/// The same per process: (name, PSS, RSS) of the program and each process below it.
pub fn memory_by_process(name: &str) -> Vec<(String, u64, u64)> {
    let field = |text: &str, key: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].split_whitespace().next()?.parse().ok()
    };
    let procs: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let ppid = field(&status, "PPid:")? as u32;
            let comm = status.lines().find(|l| l.starts_with("Name:"))?[5..].trim().to_string();
            Some((pid, ppid, comm))
        })
        .collect();
    let mut frontier: Vec<u32> = procs.iter().filter(|p| p.2 == name).map(|p| p.0).collect();
    let mut out = Vec::new();
    while let Some(pid) = frontier.pop() {
        let comm = procs.iter().find(|p| p.0 == pid).map(|p| p.2.clone()).unwrap_or_default();
        let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| field(&status, "VmRSS:"))
            .unwrap_or(0);
        let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .ok()
            .and_then(|rollup| field(&rollup, "Pss:"))
            .unwrap_or(0);
        out.push((comm, pss, rss));
        frontier.extend(procs.iter().filter(|p| p.1 == pid).map(|p| p.0));
    }
    out
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One line of durations: median and the samples.
pub fn describe_ms(label: &str, samples: &[f64]) {
    if samples.is_empty() {
        println!("  {label:<46} n/a (the page reported no paint timing)");
        return;
    }
    println!("  {label:<46} median {:>6.0} ms (samples {samples:.0?})", median(samples));
}

/// CPU time (clock ticks, user + system) of every thread of the program named `name` and every
/// process below it, keyed by "process/thread" names (threads of one name summed): what a
/// window of frames is competing with.
pub fn cpu_ticks(name: &str) -> std::collections::BTreeMap<String, u64> {
    let stat = |path: &str| -> Option<(String, u32, u64)> {
        let text = std::fs::read_to_string(path).ok()?;
        // `pid (comm) state ppid …`: the name may hold spaces and parentheses, so split at the last ')'.
        let (head, rest) = text.rsplit_once(')')?;
        let comm = head.split_once('(')?.1.to_string();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ppid = fields.get(1)?.parse().ok()?;
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some((comm, ppid, ticks))
    };
    let procs: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| stat(&format!("/proc/{pid}/stat")).map(|(comm, ppid, _)| (pid, ppid, comm)))
        .collect();
    let mut frontier: Vec<u32> = procs.iter().filter(|p| p.2 == name).map(|p| p.0).collect();
    let mut out = std::collections::BTreeMap::new();
    while let Some(pid) = frontier.pop() {
        let process = procs.iter().find(|p| p.0 == pid).map(|p| p.2.clone()).unwrap_or_default();
        for task in std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten() {
            let path = format!("{}/stat", task.path().display());
            if let Some((thread, _, ticks)) = stat(&path) {
                *out.entry(format!("{process}/{thread}")).or_insert(0) += ticks;
            }
        }
        frontier.extend(procs.iter().filter(|p| p.1 == pid).map(|p| p.0));
    }
    out
}

/// Prints what each thread spent between two `cpu_ticks` readings `ms` apart, as a share of one
/// core (threads under 2 % left out), busiest first.
pub fn describe_cpu(
    before: &std::collections::BTreeMap<String, u64>,
    after: &std::collections::BTreeMap<String, u64>,
    ms: u64,
) {
    // Linux reports these in USER_HZ, 100 a second on every architecture it runs on.
    const TICKS_PER_SECOND: f64 = 100.0;
    let seconds = ms as f64 / 1000.0;
    let mut rows: Vec<(String, f64)> = after
        .iter()
        .map(|(k, v)| {
            (k.clone(), (v - before.get(k).copied().unwrap_or(0).min(*v)) as f64 / TICKS_PER_SECOND / seconds)
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let shown: Vec<String> =
        rows.iter().filter(|r| r.1 >= 0.02).map(|r| format!("{} {:.0} %", r.0, r.1 * 100.0)).collect();
    println!("    CPU (share of one core; 2 cores): total {:.0} %: {}", total * 100.0, shown.join(", "));
}
