//! Sweep grid benchmark: a 5 × 5 grid of 1024 × 1536 cells (the reference workflow's size),
//! timed as the engine makes it when a sweep ends: decode the 25 cell PNGs, compose the
//! labelled grid (scaled under 40 MP), encode and write it. Printed beside the baseline of
//! decoding the 25 cells alone, measured in the same run. Figures, not assertions.
//! Run: cargo run --release -p easel-engine --example grid_bench

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use easel_engine::{compose_grid, save_grid, Cell, GridLabels};
use image::{Rgb, RgbImage};

const SIDE: u32 = 5;
const ROUNDS: usize = 5;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/grid-bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let cells = write_cells(&dir);
    let labels = GridLabels {
        axes: vec![
            ("KSampler #3 cfg".into(), (0..SIDE).map(|i| format!("{}", 5 + i)).collect()),
            ("KSampler #3 steps".into(), (0..SIDE).map(|i| format!("{}", 20 + 5 * i)).collect()),
        ],
    };
    let (mut decode, mut compose, mut save) = (Vec::new(), Vec::new(), Vec::new());
    let mut size = (0, 0);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let decoded: Vec<(Cell, Option<RgbImage>)> =
            cells.iter().map(|(cell, path)| (*cell, Some(image::open(path).expect("cell").to_rgb8()))).collect();
        decode.push(t.elapsed());
        let t = Instant::now();
        let grid = compose_grid(&labels, &decoded);
        compose.push(t.elapsed());
        size = grid.dimensions();
        let t = Instant::now();
        save_grid(&grid, &[("easel", "{}")], &dir.join("grid.png")).expect("save");
        save.push(t.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (d, c, s) = (median(&mut decode), median(&mut compose), median(&mut save));
    let mp = f64::from(size.0) * f64::from(size.1) / 1e6;
    let bytes = std::fs::metadata(dir.join("grid.png")).map(|m| m.len() >> 20).unwrap_or(0);
    println!("grid benchmark: {SIDE}x{SIDE} cells of 1024x1536, median of {ROUNDS}");
    println!("  grid picture: {}x{} ({mp:.1} MP, {bytes} MiB)", size.0, size.1);
    println!("  decode the 25 cells (baseline):        {d:>8.0} ms");
    println!("  compose (scale, place, labels):        {c:>8.0} ms");
    println!("  encode + write the grid PNG:           {s:>8.0} ms");
    println!(
        "  whole grid (decode + compose + save):  {:>8.0} ms  ({:.2}x the decode alone)",
        d + c + s,
        (d + c + s) / d
    );
}

/// 25 cell PNGs with gradients and noise (so they compress like pictures, not flat fills).
fn write_cells(dir: &Path) -> Vec<(Cell, PathBuf)> {
    let mut out = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for y in 0..SIDE {
        for x in 0..SIDE {
            let path = dir.join(format!("cell-{x}-{y}.png"));
            if !path.exists() {
                let image = RgbImage::from_fn(1024, 1536, |px, py| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let n = (seed & 31) as u32;
                    Rgb([
                        ((px / 4 + x * 40 + n) % 256) as u8,
                        ((py / 6 + y * 40 + n) % 256) as u8,
                        ((px + py) / 10 % 256) as u8,
                    ])
                });
                image.save(&path).expect("write a cell");
            }
            out.push((Cell { x, y, z: 0 }, path));
        }
    }
    out
}
