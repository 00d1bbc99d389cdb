//! The pixel size of an uploaded picture, read from its header alone: the IHDR chunk of a PNG,
//! the first start-of-frame segment of a JPEG. Nothing is decoded, so reading costs a few bytes
//! whatever the upload's size; anything else (WebP, a truncated or odd file) has no known size
//! and the caller keeps its default. EXIF rotation is not applied.

/// PNG files start with these eight bytes.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Width and height of a PNG or JPEG, if its header says (zero sizes count as unknown).
pub fn picture_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let size = if bytes.starts_with(PNG_SIGNATURE) {
        png_size(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_size(bytes)
    } else {
        None
    };
    size.filter(|(w, h)| *w > 0 && *h > 0)
}

/// The IHDR chunk must come first: length (4), `IHDR`, width (4), height (4), big-endian.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let chunk = bytes.get(8..24)?;
    if &chunk[4..8] != b"IHDR" {
        return None;
    }
    Some((u32::from_be_bytes(chunk[8..12].try_into().ok()?), u32::from_be_bytes(chunk[12..16].try_into().ok()?)))
}

/// Walks the segments after SOI up to the first SOFn, skipping each by its length field.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut pos = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while *bytes.get(pos)? == 0xFF && *bytes.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(pos + 1)?;
        pos += 2;
        match marker {
            // Stand-alone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image, or the scan data, before any frame header: no size to read.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]) as usize;
        if length < 2 {
            return None;
        }
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let frame = bytes.get(pos + 2..pos + 7)?;
            let height = u16::from_be_bytes([frame[1], frame[2]]) as u32;
            let width = u16::from_be_bytes([frame[3], frame[4]]) as u32;
            return Some((width, height));
        }
        pos += length;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_png_and_jpeg_headers() {
        let png = crate::render::render_png(&crate::render::Picture {
            width: 40,
            height: 24,
            key: 1,
            caption: vec![],
            prompt_json: "{}".into(),
        })
        .unwrap();
        assert_eq!(picture_size(&png), Some((40, 24)));
        // SOI, an APP0 segment to skip, fill bytes, then SOF2 (progressive) for 640x480.
        let jpeg = [
            &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB][..],
            &[0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03][..],
        ]
        .concat();
        assert_eq!(picture_size(&jpeg), Some((640, 480)));
    }

    #[test]
    fn anything_else_has_no_size() {
        assert_eq!(picture_size(b"\x89PNG"), None, "the four bytes other tests upload");
        assert_eq!(picture_size(&png_header(0, 10)), None);
        assert_eq!(picture_size(b"RIFF\0\0\0\0WEBPVP8 "), None);
        assert_eq!(picture_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]), None, "scan before any frame");
        assert_eq!(picture_size(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]), None, "segment runs past the end");
        assert_eq!(picture_size(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00]), None, "length too short");
        assert_eq!(picture_size(&png_header(7, 9)), Some((7, 9)));
    }

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes
    }
}
