//! Placeholder pictures: a smooth, colourful gradient with a diagonal wave, its colours drawn
//! from a key (a hash of the seed and prompt), stamped "EASEL DEMO" with a caption, encoded as
//! PNG with the API graph in a ComfyUI `prompt` text chunk. The same input always gives the
//! same bytes. CPU-bound: callers run it off the async threads. No real image generation.

use crate::font::{self, GLYPH_HEIGHT};
use crate::prng::SplitMix64;

/// What to draw.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Decides the colours and the wave.
    pub key: u64,
    /// Small lines under the title, e.g. the seed.
    pub caption: Vec<String>,
    /// ComfyUI API graph to embed as the `prompt` text chunk.
    pub prompt_json: String,
}

/// The big title stamped on every picture.
pub const TITLE: &str = "EASEL DEMO";

/// The PNG bytes of `picture`.
pub fn render_png(picture: &Picture) -> Result<Vec<u8>, String> {
    let pixels = paint(picture);
    let mut raw = Vec::with_capacity(pixels.len() / 4);
    let mut encoder = png::Encoder::new(&mut raw, picture.width, picture.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    easel_workflow::png_with_text(&raw, &[("prompt", &picture.prompt_json)]).map_err(|e| e.to_string())
}

/// RGB8 pixels, row by row.
fn paint(p: &Picture) -> Vec<u8> {
    let (w, h) = (p.width.max(1) as usize, p.height.max(1) as usize);
    let mut rng = SplitMix64::new(p.key);
    let corners: Vec<[f32; 3]> = (0..4).map(|_| vivid(&mut rng)).collect();
    let wave_colour = vivid(&mut rng);
    let freq = 2.0 + rng.next_f64() as f32 * 6.0;
    let angle = rng.next_f64() as f32 * std::f32::consts::TAU;
    // sin(a·x + b·y) = sin(a·x)cos(b·y) + cos(a·x)sin(b·y): separable, so two small tables suffice.
    let (a, b) = (freq * angle.cos() / w as f32 * 6.0, freq * angle.sin() / h as f32 * 6.0);
    let (sx, cx): (Vec<f32>, Vec<f32>) = (0..w).map(|x| ((a * x as f32).sin(), (a * x as f32).cos())).unzip();
    let mut out = vec![0u8; w * h * 3];
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let v = y as f32 / h as f32;
        let (sy, cy) = ((b * y as f32).sin(), (b * y as f32).cos());
        let left = lerp3(corners[0], corners[2], v);
        let right = lerp3(corners[1], corners[3], v);
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let u = x as f32 / w as f32;
            let wave = (sx[x] * cy + cx[x] * sy) * 0.5 + 0.5;
            let base = lerp3(left, right, u);
            let c = lerp3(base, wave_colour, wave * 0.35);
            px.copy_from_slice(&[c[0] as u8, c[1] as u8, c[2] as u8]);
        }
    }
    stamp(&mut out, w, h, p);
    out
}

/// Draws the title and caption in a dark band across the upper third.
fn stamp(out: &mut [u8], w: usize, h: usize, p: &Picture) {
    let title_scale = ((w as u32 * 7 / 10) / font::text_width(TITLE)).max(1);
    let small_scale = (title_scale / 3).max(1);
    let line_gap = small_scale * 3;
    let band_height =
        title_scale * (GLYPH_HEIGHT + 4) + (small_scale * GLYPH_HEIGHT + line_gap) * p.caption.len() as u32;
    let top = (h as u32 / 4).saturating_sub(band_height / 2);
    for y in top..(top + band_height).min(h as u32) {
        for px in out[y as usize * w * 3..(y as usize + 1) * w * 3].iter_mut() {
            *px = (*px as u16 * 2 / 5) as u8;
        }
    }
    let mut y = top + title_scale * 2;
    draw_text(out, w, h, TITLE, y, title_scale);
    y += title_scale * (GLYPH_HEIGHT + 2);
    for line in &p.caption {
        draw_text(out, w, h, line, y, small_scale);
        y += small_scale * GLYPH_HEIGHT + line_gap;
    }
}

/// Draws `text` centred horizontally with its top at `top`, each font pixel `scale` wide.
fn draw_text(out: &mut [u8], w: usize, h: usize, text: &str, top: u32, scale: u32) {
    let left = (w as u32).saturating_sub(font::text_width(text) * scale) / 2;
    for (i, c) in text.chars().enumerate() {
        let x0 = left + i as u32 * font::ADVANCE * scale;
        for gy in 0..GLYPH_HEIGHT {
            for gx in 0..font::GLYPH_WIDTH {
                if font::ink(c, gx, gy) {
                    fill(out, w, h, x0 + gx * scale, top + gy * scale, scale);
                }
            }
        }
    }
}

fn fill(out: &mut [u8], w: usize, h: usize, x0: u32, y0: u32, size: u32) {
    for y in y0 as usize..((y0 + size) as usize).min(h) {
        for x in x0 as usize..((x0 + size) as usize).min(w) {
            let i = (y * w + x) * 3;
            out[i..i + 3].copy_from_slice(&[250, 250, 245]);
        }
    }
}

/// A saturated colour with a random hue.
fn vivid(rng: &mut SplitMix64) -> [f32; 3] {
    let hue = rng.next_f64() as f32 * 6.0;
    let f = hue.fract();
    let (hi, lo) = (235.0, 40.0);
    let (up, down) = (lo + (hi - lo) * f, hi - (hi - lo) * f);
    match hue as u32 {
        0 => [hi, up, lo],
        1 => [down, hi, lo],
        2 => [lo, hi, up],
        3 => [lo, down, hi],
        4 => [up, lo, hi],
        _ => [hi, lo, down],
    }
}

fn lerp3(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(key: u64) -> Picture {
        Picture { width: 96, height: 64, key, caption: vec!["SEED 1".into()], prompt_json: "{}".into() }
    }

    #[test]
    fn same_key_same_bytes_other_key_other_pixels() {
        let a = render_png(&picture(1)).unwrap();
        assert_eq!(a, render_png(&picture(1)).unwrap());
        assert_ne!(paint(&picture(1)), paint(&picture(2)));
        let text = easel_workflow::png_text_chunks(&a).unwrap();
        assert_eq!(text, [("prompt".to_string(), "{}".to_string())]);
    }

    #[test]
    fn title_is_drawn_in_near_white() {
        let pixels = paint(&picture(3));
        let white = pixels.chunks_exact(3).filter(|p| p == &[250, 250, 245]).count();
        assert!(white > 50, "{white}");
    }
}
