//! The grid's labels in Easel's one bitmap font (`easel_workflow::bitmap_font`), drawn at a
//! whole-number scale so the text stays crisp at any size (no antialiasing, no font file).
//! Characters outside ASCII are drawn as a hollow box: labels are written by people, so that is
//! rare, and it says "something here" rather than dropping it. Leaves out kerning.

use easel_workflow::bitmap_font::{self, ADVANCE};
use image::{Rgb, RgbImage};

pub use easel_workflow::bitmap_font::{GLYPH_HEIGHT as GLYPH_H, GLYPH_WIDTH as GLYPH_W};

/// Drawn for anything without a glyph.
const BOX: [u8; 7] = [0b11111, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11111];

fn glyph(c: char) -> &'static [u8; 7] {
    bitmap_font::glyph(c).unwrap_or(&BOX)
}

/// Width in image pixels of `text` at `scale`.
pub fn width(text: &str, scale: u32) -> u32 {
    bitmap_font::text_width(text) * scale
}

/// `text`, shortened with "..." so it is at most `max` pixels wide at `scale`.
pub fn fit(text: &str, max: u32, scale: u32) -> String {
    if width(text, scale) <= max {
        return text.to_string();
    }
    let room = (max / scale + 1) / ADVANCE;
    let keep = room.saturating_sub(3) as usize;
    text.chars().take(keep).chain("...".chars()).take(room as usize).collect()
}

/// Draws `text` with its top-left corner at (`x`, `y`); pixels outside the image are skipped.
pub fn draw(image: &mut RgbImage, x: u32, y: u32, text: &str, scale: u32, colour: Rgb<u8>) {
    for (i, c) in text.chars().enumerate() {
        let left = x + i as u32 * ADVANCE * scale;
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..GLYPH_W {
                if bits & (0b10000 >> col) == 0 {
                    continue;
                }
                let (px, py) = (left + col * scale, y + row as u32 * scale);
                for dy in 0..scale {
                    for dx in 0..scale {
                        if px + dx < image.width() && py + dy < image.height() {
                            image.put_pixel(px + dx, py + dy, colour);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_where_it_is_measured() {
        let mut image = RgbImage::new(200, 40);
        draw(&mut image, 2, 3, "cfg 7", 2, Rgb([255, 255, 255]));
        let lit: Vec<(u32, u32)> =
            image.enumerate_pixels().filter(|(_, _, p)| p.0[0] == 255).map(|(x, y, _)| (x, y)).collect();
        let right = lit.iter().map(|p| p.0).max().unwrap();
        let bottom = lit.iter().map(|p| p.1).max().unwrap();
        assert!(right < 2 + width("cfg 7", 2) && right > 2 + width("cfg ", 2), "{right}");
        assert!(bottom < 3 + GLYPH_H * 2);
        assert_ne!(glyph('a'), glyph('b'));
        assert_eq!(glyph('猫'), &BOX);
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        assert_eq!(fit("short", 100, 1), "short");
        let fitted = fit("a very long label indeed", 60, 1);
        assert!(fitted.ends_with("...") && width(&fitted, 1) <= 60, "{fitted}");
    }
}
