//! The demo pictures' captions in Easel's one bitmap font (`easel_workflow::bitmap_font`):
//! lower-case letters are drawn as capitals, and anything without a glyph as a blank.

pub use easel_workflow::bitmap_font::{text_width, ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH};

/// Whether font pixel (`x`, `y`) of `c` is ink.
pub fn ink(c: char, x: u32, y: u32) -> bool {
    if x >= GLYPH_WIDTH || y >= GLYPH_HEIGHT {
        return false;
    }
    let rows = easel_workflow::bitmap_font::glyph(c.to_ascii_uppercase());
    rows.is_some_and(|rows| rows[y as usize] & (0x10 >> x) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_capitals_and_unknown_characters_blank() {
        assert!(ink('E', 0, 0) && !ink('E', 1, 1) && !ink(' ', 0, 0));
        assert_eq!(
            (0..5).map(|x| ink('e', x, 0)).collect::<Vec<_>>(),
            (0..5).map(|x| ink('E', x, 0)).collect::<Vec<_>>()
        );
        assert!((0..5).all(|x| (0..7).all(|y| !ink('猫', x, y))));
        assert_eq!(text_width("AB"), 11);
    }
}
