//! The labelled grid picture of a sweep: X values across, Y values down, one block per Z value
//! stacked top to bottom, each axis titled; a cell without an image (failed or canceled) is a
//! dark tile saying so. Cells keep their aspect inside the largest cell's box; when the whole
//! picture would pass `MAX_GRID_PIXELS` every cell is scaled down so it stays under it. Text is
//! drawn with the bitmap font at a whole-number scale that grows with the cell size, so labels
//! read at 100%. Leaves out the cells' own metadata (the caller embeds the sweep's).

use std::io::Write;
use std::path::Path;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, Rgb, RgbImage};

use super::font;
use super::Cell;
use crate::EngineError;

/// The most pixels a grid picture may have (about 40 MP).
pub const MAX_GRID_PIXELS: u64 = 40_000_000;

const BACKGROUND: Rgb<u8> = Rgb([24, 26, 30]);
const MISSING: Rgb<u8> = Rgb([48, 50, 56]);
const TEXT: Rgb<u8> = Rgb([236, 238, 242]);
const DIM: Rgb<u8> = Rgb([150, 156, 166]);

/// What the grid says: each axis's title and its values' labels (X, then Y and Z if any).
#[derive(Debug, Clone)]
pub struct Labels {
    pub axes: Vec<(String, Vec<String>)>,
}

impl Labels {
    fn len(&self, axis: usize) -> u32 {
        self.axes.get(axis).map_or(1, |a| a.1.len().max(1) as u32)
    }
}

/// Sizes of one layout.
struct Layout {
    cell_w: u32,
    cell_h: u32,
    scale: u32,
    line: u32,
    left: u32,
    top: u32,
    block: u32,
    width: u32,
    height: u32,
}

fn layout(labels: &Labels, cell_w: u32, cell_h: u32) -> Layout {
    let scale = (cell_w / 256).clamp(2, 8);
    let pad = 3 * scale;
    let line = font::GLYPH_H * scale + 2 * pad;
    let has = |axis: usize| labels.axes.len() > axis;
    let left = if has(1) {
        let widest = labels.axes[1].1.iter().map(|l| font::width(l, scale)).max();
        widest.unwrap_or(0).clamp(font::width("0000", scale), cell_w) + 2 * pad
    } else {
        0
    };
    // X title and X values; a Z heading above each block.
    let top = 2 * line + if has(2) { line } else { 0 };
    let (nx, ny, nz) = (labels.len(0), labels.len(1), labels.len(2));
    let block = top + ny * cell_h + if has(2) { pad * 2 } else { 0 };
    Layout { cell_w, cell_h, scale, line, left, top, block, width: left + nx * cell_w, height: nz * block }
}

/// The grid of `cells` (each with its image, or none), laid out by `labels`.
pub fn compose(labels: &Labels, cells: &[(Cell, Option<RgbImage>)]) -> RgbImage {
    let images = cells.iter().filter_map(|(_, i)| i.as_ref());
    let cell_w = images.clone().map(|i| i.width()).max().unwrap_or(512).max(64);
    let cell_h = images.map(|i| i.height()).max().unwrap_or(512).max(64);
    let mut plan = layout(labels, cell_w, cell_h);
    // Scale the cells (the labels follow) until the picture fits; a few rounds settle it.
    for _ in 0..4 {
        let pixels = u64::from(plan.width) * u64::from(plan.height);
        if pixels <= MAX_GRID_PIXELS {
            break;
        }
        let factor = (MAX_GRID_PIXELS as f64 / pixels as f64).sqrt() * 0.99;
        let (w, h) = ((plan.cell_w as f64 * factor) as u32, (plan.cell_h as f64 * factor) as u32);
        plan = layout(labels, w.max(16), h.max(16));
    }
    let mut grid = RgbImage::from_pixel(plan.width.max(1), plan.height.max(1), BACKGROUND);
    let pad = 3 * plan.scale;
    let title = |axis: usize| labels.axes.get(axis).map(|a| a.0.as_str()).unwrap_or_default();
    let value = |axis: usize, i: u32| {
        labels.axes.get(axis).and_then(|a| a.1.get(i as usize)).map(String::as_str).unwrap_or_default()
    };
    for z in 0..labels.len(2) {
        let y0 = z * plan.block;
        let mut row = y0;
        if labels.axes.len() > 2 {
            let heading = font::fit(&format!("{}: {}", title(2), value(2, z)), plan.width - 2 * pad, plan.scale);
            font::draw(&mut grid, pad, row + pad, &heading, plan.scale, TEXT);
            row += plan.line;
        }
        // One title line: the rows' axis on the left, the columns' axis centred over them.
        let half = plan.width / 2;
        let x_title = font::fit(&format!("columns: {}", title(0)), half.saturating_sub(2 * pad), plan.scale);
        let centre = plan.left + (plan.width - plan.left).saturating_sub(font::width(&x_title, plan.scale)) / 2;
        let centre = centre.max(half.min(plan.width.saturating_sub(font::width(&x_title, plan.scale) + pad)));
        font::draw(&mut grid, centre, row + pad, &x_title, plan.scale, DIM);
        if labels.axes.len() > 1 {
            let y_title = font::fit(&format!("rows: {}", title(1)), half.saturating_sub(2 * pad), plan.scale);
            font::draw(&mut grid, pad, row + pad, &y_title, plan.scale, DIM);
        }
        row += plan.line;
        for x in 0..labels.len(0) {
            let text = font::fit(value(0, x), plan.cell_w - 2 * pad, plan.scale);
            let left = plan.left + x * plan.cell_w + (plan.cell_w - font::width(&text, plan.scale)) / 2;
            font::draw(&mut grid, left, row + pad, &text, plan.scale, TEXT);
        }
        let cells_top = y0 + plan.top;
        for y in 0..labels.len(1) {
            if labels.axes.len() > 1 {
                let text = font::fit(value(1, y), plan.left.saturating_sub(2 * pad), plan.scale);
                let top = cells_top + y * plan.cell_h + (plan.cell_h - font::GLYPH_H * plan.scale) / 2;
                font::draw(&mut grid, pad, top, &text, plan.scale, TEXT);
            }
            for x in 0..labels.len(0) {
                let image = cells.iter().find(|(c, _)| (c.x, c.y, c.z) == (x, y, z)).and_then(|(_, i)| i.as_ref());
                let (left, top) = (plan.left + x * plan.cell_w, cells_top + y * plan.cell_h);
                place(&mut grid, image, left, top, &plan);
            }
        }
    }
    grid
}

/// One cell's picture, fitted into its box and centred, or a tile saying it has none.
fn place(grid: &mut RgbImage, image: Option<&RgbImage>, left: u32, top: u32, plan: &Layout) {
    let Some(image) = image else {
        let inset = plan.scale;
        for y in top + inset..top + plan.cell_h - inset {
            for x in left + inset..left + plan.cell_w - inset {
                grid.put_pixel(x, y, MISSING);
            }
        }
        let text = "no image";
        let tx = left + plan.cell_w.saturating_sub(font::width(text, plan.scale)) / 2;
        font::draw(grid, tx, top + plan.cell_h / 2, text, plan.scale, DIM);
        return;
    };
    let fit = (plan.cell_w as f64 / image.width() as f64).min(plan.cell_h as f64 / image.height() as f64);
    let (w, h) = (((image.width() as f64 * fit) as u32).max(1), ((image.height() as f64 * fit) as u32).max(1));
    let scaled = if (w, h) == image.dimensions() { None } else { resize(image, w, h) };
    let shown = match &scaled {
        Some(scaled) => scaled,
        None if (w, h) == image.dimensions() => image,
        None => return,
    };
    let (dx, dy) = ((plan.cell_w - w) / 2, (plan.cell_h - h) / 2);
    image::imageops::replace(grid, shown, i64::from(left + dx), i64::from(top + dy));
}

/// `image` scaled to `w` × `h` (SIMD bilinear: a grid scales cells by at most a few times, where
/// bilinear looks as good as Lanczos and costs a fraction of `image`'s resize); None when the
/// buffer cannot be made (the cell then stays empty).
fn resize(image: &RgbImage, w: u32, h: u32) -> Option<RgbImage> {
    use fast_image_resize::images::Image;
    use fast_image_resize::{FilterType as Filter, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let src = Image::from_vec_u8(image.width(), image.height(), image.as_raw().clone(), PixelType::U8x3).ok()?;
    let mut dst = Image::new(w, h, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(Filter::Bilinear));
    Resizer::new().resize(&src, &mut dst, &options).ok()?;
    RgbImage::from_raw(w, h, dst.into_vec())
}

/// Encodes `grid` as PNG with `text` chunks and writes it at `dest` atomically (a temporary
/// file beside it, synced, then renamed).
pub fn save(grid: &RgbImage, text: &[(&str, &str)], dest: &Path) -> Result<(), EngineError> {
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(grid.as_raw(), grid.width(), grid.height(), image::ExtendedColorType::Rgb8)
        .map_err(|e| EngineError::file(dest, e))?;
    let png = easel_workflow::png_with_text(&png, text).map_err(|e| EngineError::file(dest, e))?;
    let dir = dest.parent().ok_or_else(|| EngineError::file(dest, "no folder"))?;
    std::fs::create_dir_all(dir).map_err(|e| EngineError::file(dir, e))?;
    let temp = dir.join(format!(".{}.part", dest.file_name().and_then(|n| n.to_str()).unwrap_or("grid")));
    let mut file = std::fs::File::create(&temp).map_err(|e| EngineError::file(&temp, e))?;
    file.write_all(&png).and_then(|_| file.sync_all()).map_err(|e| EngineError::file(&temp, e))?;
    std::fs::rename(&temp, dest).map_err(|e| EngineError::file(dest, e))?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| EngineError::file(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(x: u32, y: u32, z: u32) -> Cell {
        Cell { x, y, z }
    }

    fn labels(axes: usize) -> Labels {
        let all = [("cfg", ["6", "7"]), ("steps", ["20", "26"]), ("sampler", ["euler", "dpmpp"])];
        Labels {
            axes: all[..axes].iter().map(|(t, v)| (t.to_string(), v.iter().map(|s| s.to_string()).collect())).collect(),
        }
    }

    #[test]
    fn a_two_by_two_grid_holds_its_cells_and_labels() {
        let red = RgbImage::from_pixel(300, 450, Rgb([200, 0, 0]));
        let cells = vec![
            (cell(0, 0, 0), Some(red.clone())),
            (cell(1, 0, 0), Some(red.clone())),
            (cell(0, 1, 0), Some(red)),
            (cell(1, 1, 0), None),
        ];
        let grid = compose(&labels(2), &cells);
        let plan = layout(&labels(2), 300, 450);
        assert_eq!(grid.dimensions(), (plan.width, plan.height));
        assert!(grid.width() > 600 && grid.height() > 900, "{:?}", grid.dimensions());
        let first = grid.get_pixel(plan.left + 150, plan.top + 225);
        assert_eq!(first, &Rgb([200, 0, 0]), "the first cell's picture is in its box");
        let missing = grid.get_pixel(plan.left + 300 + 20, plan.top + 450 + 20);
        assert_eq!(missing, &MISSING, "a cell without an image is a tile");
        let label_row = (plan.line..2 * plan.line).any(|y| (0..grid.width()).any(|x| grid.get_pixel(x, y) == &TEXT));
        assert!(label_row, "the X values are written above the cells");
    }

    #[test]
    fn large_grids_are_scaled_under_the_pixel_limit() {
        let big = RgbImage::from_pixel(1024, 1536, Rgb([10, 200, 10]));
        let cells: Vec<_> = (0..2).flat_map(|z| (0..2).flat_map(move |y| (0..2).map(move |x| cell(x, y, z)))).collect();
        let mut wide = labels(3);
        wide.axes[0].1 = (0..6).map(|i| i.to_string()).collect();
        let cells: Vec<_> =
            cells.into_iter().chain((2..6).map(|x| cell(x, 0, 0))).map(|c| (c, Some(big.clone()))).collect();
        let grid = compose(&wide, &cells);
        let pixels = u64::from(grid.width()) * u64::from(grid.height());
        assert!(pixels <= MAX_GRID_PIXELS, "{pixels}");
        assert!(pixels > MAX_GRID_PIXELS / 2, "scaled only as much as needed: {pixels}");
    }

    #[test]
    fn saved_grids_carry_their_text_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("day/grid.png");
        let grid = compose(&labels(1), &[(cell(0, 0, 0), Some(RgbImage::new(64, 64))), (cell(1, 0, 0), None)]);
        save(&grid, &[("easel", r#"{"sweep":{}}"#)], &dest).unwrap();
        let bytes = std::fs::read(&dest).unwrap();
        let text = easel_workflow::png_text_chunks(&bytes).unwrap();
        assert_eq!(text, [("easel".to_string(), r#"{"sweep":{}}"#.to_string())]);
        assert_eq!(std::fs::read_dir(dest.parent().unwrap()).unwrap().count(), 1, "no temporary file left");
    }
}
