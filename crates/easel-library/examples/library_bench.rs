//! Library benchmark: generates a library of small real PNGs with varied Easel metadata (default
//! 100,000) under target/library-bench/, then prints index build time, first-page and next-page
//! times, full-text search p50/p95, thumbnail throughput beside a decode-only baseline and beside
//! plain `image` resizing (on 1024×1024 PNGs, where resizing is real work), and resident memory.
//! Figures, not assertions. Run: cargo run --release -p easel-library --example library_bench [N]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use easel_library::sample::{write_sample_image, xorshift, CHECKPOINTS, MOODS, STYLES, SUBJECTS};
use easel_library::{decode_rgb, make_thumbnail, thumbnail_size, ImageFilter, ImageQuery, Library, Sort};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::ImageEncoder;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/library-bench");
    if base.exists() {
        std::fs::remove_dir_all(&base).expect("clear old bench folder");
    }
    let (root, big) = (base.join("library"), base.join("large"));
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    println!("library benchmark: {n} images, {threads} threads, folder {}", base.display());

    let t = Instant::now();
    parallel(n, threads, |i| {
        write_sample_image(&root, i).expect("write sample png");
    });
    println!("generate {n} PNGs: {:.1} s ({} MiB on disk)", secs(t), dir_size(&root) >> 20);

    let t = Instant::now();
    let library = Library::open(&root).expect("open library");
    let report = library.import_folder(&root, &mut |_| {}).expect("import");
    let build = secs(t);
    println!(
        "index build: {:.1} s for {} images ({:.0} images/s), {} failed; library.sqlite {} MiB",
        build,
        report.added,
        f64::from(report.added) / build,
        report.failed.len(),
        std::fs::metadata(root.join("library.sqlite")).map(|m| m.len() >> 20).unwrap_or(0)
    );
    println!("memory after build: {}", memory());
    drop(library);

    let t = Instant::now();
    let library = Library::open(&root).expect("reopen");
    let first = library.query(&ImageQuery { limit: 200, ..ImageQuery::default() }).expect("first page");
    println!("open + first page (200 newest): {:.1} ms", ms(t));
    let mut query = ImageQuery { limit: 200, cursor: first.next_cursor, ..ImageQuery::default() };
    let mut next = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let page = library.query(&query).expect("page");
        next.push(ms(t));
        query.cursor = page.next_cursor;
    }
    println!("next page (200) over 50 pages: p50 {:.2} ms, p95 {:.2} ms", pct(&mut next, 50), pct(&mut next, 95));
    for (label, filter, sort) in [
        ("favourites", ImageFilter { favourites_only: true, ..ImageFilter::default() }, Sort::Newest),
        ("model filter", ImageFilter { model: Some(CHECKPOINTS[1].into()), ..ImageFilter::default() }, Sort::Newest),
        ("largest first", ImageFilter::default(), Sort::Largest),
    ] {
        let t = Instant::now();
        let page = library.query(&ImageQuery { filter, sort, limit: 200, cursor: None }).expect("filtered page");
        println!("first page, {label}: {:.1} ms ({} items)", ms(t), page.items.len());
    }
    let t = Instant::now();
    let counts = library.counts().expect("counts");
    let models = library.model_counts().expect("model counts");
    println!("counts + model facets: {:.1} ms ({} images, {} models)", ms(t), counts.images, models.len());

    let mut times = Vec::new();
    let mut hits = 0;
    for q in 0..300 {
        let words = [SUBJECTS[q % SUBJECTS.len()], STYLES[q % STYLES.len()], MOODS[q % MOODS.len()]];
        let text = match q % 3 {
            0 => words[0].to_string(),
            1 => format!("{} {}", words[2], &words[0][..3]),
            _ => format!("{} {}", words[1], words[0]),
        };
        let t = Instant::now();
        hits += library.search(&text, 100).expect("search").len();
        times.push(ms(t));
    }
    println!(
        "full-text search (300 queries, top 100 by rank): p50 {:.2} ms, p95 {:.2} ms, {} hits",
        pct(&mut times, 50),
        pct(&mut times, 95),
        hits
    );
    drop(library);
    println!("memory after queries: {}", memory());

    thumbnails(&big, threads);
    println!("memory at end: {}", memory());
}

/// Thumbnail throughput on 1024×1024 PNGs: decode only, our pipeline, the pool, plain `image`.
fn thumbnails(big: &Path, threads: usize) {
    let m = 120;
    parallel(m, threads, |i| write_large(big, i));
    let files: Vec<PathBuf> = (0..m).map(|i| big.join(format!("large-{i:04}.png"))).collect();
    let out = big.join("out");
    std::fs::create_dir_all(&out).expect("out dir");
    let rate = |t: Instant| m as f64 / secs(t);
    let t = Instant::now();
    parallel(m, threads, |i| drop(decode_rgb(&files[i]).expect("decode")));
    let decode = rate(t);
    let t = Instant::now();
    parallel(m, threads, |i| make_thumbnail(&files[i], &out.join(format!("{i}.jpg"))).expect("thumbnail"));
    let ours = rate(t);
    let t = Instant::now();
    parallel(m, threads, |i| image_crate_thumbnail(&files[i], &out.join(format!("img-{i}.jpg"))));
    let plain = rate(t);
    // The pool as an import drives it: indexing, then the background walk (newest first).
    let library = Library::open_with_threads(big, threads).expect("open large");
    let t = Instant::now();
    library.import_folder(big, &mut |_| {}).expect("import large");
    assert!(library.wait_for_thumbnails(Duration::from_secs(600)), "pool finished");
    let pool = rate(t);
    println!("thumbnails of {m} 1024x1024 PNGs -> 512 px JPEG, {threads} threads:");
    println!("  decode only (baseline):        {decode:.1} images/s");
    println!("  easel (decode+fir+jpeg):       {ours:.1} images/s  = {:.2} of decode-only", ours / decode);
    println!("  easel pool after an import:    {pool:.1} images/s  = {:.2} of decode-only", pool / decode);
    println!(
        "  plain image crate resize:      {plain:.1} images/s  = {:.2} of decode-only (easel is {:.2}x)",
        plain / decode,
        ours / plain
    );
}

/// Decode, `image`'s own resize (same bilinear filter), same JPEG encoding.
fn image_crate_thumbnail(src: &Path, dest: &Path) {
    let img = image::open(src).expect("open");
    let (w, h) = thumbnail_size(img.width(), img.height());
    let small = img.resize_exact(w, h, image::imageops::FilterType::Triangle).to_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82).encode_image(&small).expect("encode");
    std::fs::write(dest, jpeg).expect("write");
}

/// A 1024×1024 image with gradients, shapes and mild noise: compresses like a generated one.
fn write_large(dir: &Path, i: usize) {
    let mut state = xorshift(i as u64 + 99);
    let pixels = image::RgbImage::from_fn(1024, 1024, |x, y| {
        state = xorshift(state);
        let n = (state & 7) as u8;
        let d = ((x as i32 - 512).pow(2) + (y as i32 - 400).pow(2)) as u32 / 2048;
        image::Rgb([(x / 4) as u8 ^ n, (y / 4 + i as u32) as u8 ^ n, (d as u8).wrapping_add(n)])
    });
    std::fs::create_dir_all(dir).expect("large folder");
    std::fs::write(dir.join(format!("large-{i:04}.png")), encode(&pixels, CompressionType::Default))
        .expect("write large");
}

fn encode(pixels: &image::RgbImage, compression: CompressionType) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(Cursor::new(&mut out), compression, PngFilter::Adaptive)
        .write_image(pixels, pixels.width(), pixels.height(), image::ExtendedColorType::Rgb8)
        .expect("encode png");
    out
}

fn parallel(n: usize, threads: usize, work: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                work(i);
            });
        }
    });
}

fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status.lines().find(|l| l.starts_with(k)).map(|l| l[k.len()..].trim().to_string()).unwrap_or_default()
    };
    format!("VmHWM {} / VmRSS {}", field("VmHWM:"), field("VmRSS:"))
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => dir_size(&e.path()),
                    _ => e.metadata().map(|m| m.len()).unwrap_or(0),
                })
                .sum()
        })
        .unwrap_or(0)
}

fn pct(v: &mut [f64], p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) * p) / 100]
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
