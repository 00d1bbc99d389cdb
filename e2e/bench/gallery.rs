//! The Gallery view: time from opening it to the first grid with every visible thumbnail
//! painted, on a large sample library beside 1,000 images; frame intervals while scrolling the
//! large one at 6,000 px/s beside idle; memory of all app processes on each.

use std::path::{Path, PathBuf};
use std::time::Duration;

use easel_library::sample::write_sample_image;
use easel_library::Library;
use serde_json::json;

use crate::driver::Session;
use crate::measure::{describe, frames, memory_kib, mib, pct};
use crate::Options;

/// A sample library of `n` images, generated and indexed once, reused by later runs, as an
/// import leaves it once its background thumbnails are made (the import starts them; a library
/// from before that change gets them here).
fn library(n: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/ui-bench/library-{n}"));
    let index = Library::open(&root).expect("open library");
    if index.counts().expect("counts").images as usize == n {
        index.backfill_thumbnails();
        assert!(index.wait_for_thumbnails(Duration::from_secs(3_600)), "thumbnails made");
        return root;
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                write_sample_image(&root, i).expect("sample image");
            });
        }
    });
    index.import_folder(&root, &mut |_| {}).expect("index");
    assert!(index.wait_for_thumbnails(Duration::from_secs(3_600)), "thumbnails made");
    root
}

/// Milliseconds from clicking Gallery to every visible cell's thumbnail painted.
async fn first_grid(session: &Session) -> f64 {
    let source = "const done = arguments[0];
        const t0 = performance.now();
        document.querySelector('[data-testid=nav-gallery]').click();
        const ready = () => {
            const cells = [...document.querySelectorAll('[data-testid=gallery-cell]')];
            const view = document.querySelector('[data-testid=gallery]')?.getBoundingClientRect();
            const visible = cells.filter(c => { const r = c.getBoundingClientRect(); return view && r.top < view.bottom && r.bottom > view.top; });
            return visible.length > 0 && visible.every(c => { const i = c.querySelector('img'); return i && i.complete && i.naturalWidth > 0; });
        };
        const poll = () => ready()
            ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)))
            : requestAnimationFrame(poll);
        poll();";
    session.script_async(source, json!([])).await.as_f64().expect("ms")
}

async fn gallery_on(options: Options, n: usize, scroll: bool) -> (f64, Option<(Vec<f64>, Vec<f64>)>, (u64, u64)) {
    let root = library(n);
    let path = root.display().to_string();
    let session = Session::start_program(
        &format!("bench-gallery-{n}"),
        &[("EASEL_LIBRARY", &path)],
        |dir| options.write_settings(dir, json!({}), &[]),
        env!("CARGO_BIN_EXE_easel-app"),
    )
    .await;
    session.find("[data-testid=nav-gallery]", Duration::from_secs(90)).await;
    let first = first_grid(&session).await;
    let mut scrolled = None;
    if scroll {
        let idle = frames(&session, 3_000, 0.0).await;
        let moving = frames(&session, 5_000, 6_000.0).await;
        scrolled = Some((idle, moving));
    }
    let memory = memory_kib("easel-app");
    session.close().await;
    (first, scrolled, memory)
}

pub async fn run(options: Options, big: usize) {
    println!("Gallery view");
    let (small_first, _, small_mem) = gallery_on(options, 1_000, false).await;
    let (big_first, scrolled, big_mem) = gallery_on(options, big, true).await;
    println!("  first painted grid, {big} images: {big_first:.0} ms");
    println!("  first painted grid, 1000 images (baseline): {small_first:.0} ms");
    println!("  ratio: {:.2}", big_first / small_first);
    if let Some((idle, moving)) = scrolled {
        describe("idle (baseline)", &idle);
        describe("scrolling 6,000 px/s", &moving);
        println!("  ratio p95 scrolling / idle: {:.2}", pct(&moving, 0.95) / pct(&idle, 0.95));
    }
    println!("  memory, all app processes, {big} images: PSS {:.0} MiB, RSS {:.0} MiB", mib(big_mem.0), mib(big_mem.1));
    println!("  memory, 1000 images (baseline): PSS {:.0} MiB, RSS {:.0} MiB", mib(small_mem.0), mib(small_mem.1));
    println!(
        "  ratio PSS: {:.2} (RSS {:.2})",
        big_mem.0 as f64 / small_mem.0 as f64,
        big_mem.1 as f64 / small_mem.1 as f64
    );
}
