//! Local pictures a person gives a LoadImage input (picked, dropped or pasted): checked to be an
//! image the service can take (PNG, JPEG or WebP by content, not by name), measured for the
//! form's preview, and — for pasted pixels — kept in a folder of their own so the path stays
//! valid until the run uploads it. Uploading itself is in `uploads`.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::EngineError;

/// A local picture ready to be used as an image input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InputImage {
    /// Absolute path (what the input's value becomes).
    pub path: String,
    /// `png`, `jpeg` or `webp`.
    pub format: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The largest input file accepted (the service's own upload limit is not documented).
pub const MAX_INPUT_BYTES: usize = 50 * 1024 * 1024;

/// The most pixels an input may have (the service's own limit is not documented; 8192² is far
/// above any model's working size and keeps a decoded input within about 256 MB).
pub const MAX_INPUT_PIXELS: u64 = 8192 * 8192;

/// How much of a file is read to recognise it before the rest is read.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Checks that `path` holds a PNG, JPEG or WebP picture and reads its size from the header:
/// the file's length is checked first, and only its first `SNIFF_BYTES` are read.
pub fn inspect_input_image(path: &Path) -> Result<InputImage, EngineError> {
    let (_, header, _) = open_checked(path)?;
    describe(path, &header)
}

/// Reads a picture for upload: its first bytes must already say PNG, JPEG or WebP within the
/// size and pixel limits before the rest is read, so a path to anything else (a text file,
/// `/proc/self/environ`, a device) is refused having read at most 64 KB of it.
pub fn read_input_image(path: &Path) -> Result<(InputImage, Vec<u8>), EngineError> {
    use std::io::Read;
    let (file, mut bytes, len) = open_checked(path)?;
    describe(path, &bytes)?;
    // At most one byte past the limit: a file that grew since `metadata` is caught by `describe`.
    let rest = (MAX_INPUT_BYTES as u64 + 1).saturating_sub(bytes.len() as u64);
    bytes.reserve(usize::try_from(len).unwrap_or(0).min(MAX_INPUT_BYTES + 1).saturating_sub(bytes.len()));
    file.take(rest).read_to_end(&mut bytes).map_err(|e| EngineError::file(path, e))?;
    let info = describe(path, &bytes)?;
    Ok((info, bytes))
}

/// Opens `path`, refuses anything but a regular file within `MAX_INPUT_BYTES` (by its metadata,
/// before reading), and reads its header. Returns the file positioned after the header.
fn open_checked(path: &Path) -> Result<(std::fs::File, Vec<u8>, u64), EngineError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| EngineError::file(path, e))?;
    let meta = file.metadata().map_err(|e| EngineError::file(path, e))?;
    if !meta.is_file() {
        return Err(bad(path, "not a regular file"));
    }
    check_size(path, meta.len())?;
    let mut header = Vec::new();
    (&mut file).take(SNIFF_BYTES).read_to_end(&mut header).map_err(|e| EngineError::file(path, e))?;
    Ok((file, header, meta.len()))
}

fn check_size(path: &Path, len: u64) -> Result<(), EngineError> {
    if len > MAX_INPUT_BYTES as u64 {
        return Err(bad(path, &format!("{} MB is more than the 50 MB an input may have", len / 1_000_000)));
    }
    Ok(())
}

/// Stores pasted bytes as `<dir>/<sha256>.<ext>` (the same picture pasted twice is one file) and
/// describes them. Size, signature and pixel count are checked before anything is written, so
/// refused bytes leave no file (and no folder) behind; a write that fails part way removes its
/// temporary file.
pub fn keep_pasted_image(dir: &Path, bytes: &[u8]) -> Result<InputImage, EngineError> {
    use sha2::Digest;
    let pasted = Path::new("pasted data");
    let checked = describe(pasted, bytes)?;
    let name = format!("{:x}.{}", sha2::Sha256::digest(bytes), checked.format);
    let path: PathBuf = dir.join(name);
    if !path.exists() {
        std::fs::create_dir_all(dir).map_err(|e| EngineError::file(dir, e))?;
        let temp = dir.join(format!(".{}.part", uuid::Uuid::new_v4().simple()));
        let written = std::fs::write(&temp, bytes)
            .map_err(|e| EngineError::file(&temp, e))
            .and_then(|()| std::fs::rename(&temp, &path).map_err(|e| EngineError::file(&path, e)));
        if let Err(e) = written {
            if let Err(cleanup) = std::fs::remove_file(&temp) {
                // Already gone (the write never created it) is the expected case here.
                if cleanup.kind() != std::io::ErrorKind::NotFound {
                    eprintln!("easel: could not remove {}: {cleanup}", temp.display());
                }
            }
            return Err(e);
        }
    }
    Ok(InputImage { path: path.display().to_string(), ..checked })
}

fn describe(path: &Path, bytes: &[u8]) -> Result<InputImage, EngineError> {
    check_size(path, bytes.len() as u64)?;
    let (format, width, height) = sniff(bytes).ok_or_else(|| bad(path, "not a PNG, JPEG or WebP picture"))?;
    if width == 0 || height == 0 {
        return Err(bad(path, "the picture has no pixels"));
    }
    if u64::from(width) * u64::from(height) > MAX_INPUT_PIXELS {
        return Err(bad(path, &format!("{width}×{height} is more pixels than an input may have (8192×8192)")));
    }
    Ok(InputImage { path: path.display().to_string(), format: format.into(), width, height })
}

/// Format and size from the first bytes, without decoding the picture.
fn sniff(bytes: &[u8]) -> Option<(&'static str, u32, u32)> {
    let be32 = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let le16 = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some(("png", be32(16)?, be32(20)?));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return jpeg_size(bytes).map(|(w, h)| ("jpeg", w, h));
    }
    if bytes.get(0..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16)? {
            b"VP8X" => {
                let w = 1
                    + (u32::from(*bytes.get(24)?) | u32::from(*bytes.get(25)?) << 8 | u32::from(*bytes.get(26)?) << 16);
                let h = 1
                    + (u32::from(*bytes.get(27)?) | u32::from(*bytes.get(28)?) << 8 | u32::from(*bytes.get(29)?) << 16);
                Some(("webp", w, h))
            }
            b"VP8 " => Some(("webp", le16(26)? & 0x3FFF, le16(28)? & 0x3FFF)),
            b"VP8L" => {
                let b = bytes.get(21..25)?;
                let bits = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                Some(("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            _ => None,
        };
    }
    None
}

/// Walks JPEG segments to the first start-of-frame marker.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let h = u32::from(u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]));
            let w = u32::from(u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]));
            return Some((w, h));
        }
        at += 2 + len;
    }
    None
}

fn bad(path: &Path, reason: &str) -> EngineError {
    EngineError::File { path: path.display().to_string(), reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![90; (width * height * 3) as usize]).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn pasted_pictures_are_kept_once_and_measured() {
        let dir = std::env::temp_dir().join(format!("easel-inputs-{}", uuid::Uuid::new_v4().simple()));
        let bytes = png(40, 30);
        let a = keep_pasted_image(&dir, &bytes).unwrap();
        let b = keep_pasted_image(&dir, &bytes).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.format.as_str(), a.width, a.height), ("png", 40, 30));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert_eq!(inspect_input_image(Path::new(&a.path)).unwrap(), a);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn non_pictures_are_refused_with_the_file_named_and_nothing_written() {
        let dir = std::env::temp_dir().join(format!("easel-inputs-{}", uuid::Uuid::new_v4().simple()));
        let err = keep_pasted_image(&dir, b"{\"not\": \"an image\"}").unwrap_err().to_string();
        assert!(err.contains("not a PNG, JPEG or WebP"), "{err}");
        assert!(!dir.exists());
        let err = inspect_input_image(Path::new("/definitely/missing.png")).unwrap_err().to_string();
        assert!(err.starts_with("/definitely/missing.png"), "{err}");
    }

    #[test]
    fn oversized_or_huge_pasted_pictures_leave_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("easel-inputs-{}", uuid::Uuid::new_v4().simple()));
        // A valid PNG header padded past the byte limit.
        let mut big = png(8, 8);
        big.resize(MAX_INPUT_BYTES + 1, 0);
        let err = keep_pasted_image(&dir, &big).unwrap_err().to_string();
        assert!(err.contains("more than the 50 MB"), "{err}");
        // A small file claiming more pixels than allowed.
        let mut wide = png(8, 8);
        wide[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        wide[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let err = keep_pasted_image(&dir, &wide).unwrap_err().to_string();
        assert!(err.contains("more pixels"), "{err}");
        assert!(!dir.exists(), "nothing was written for refused pastes");
    }

    #[test]
    fn a_huge_file_is_refused_by_its_length_without_being_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.png");
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: 2 GiB long, costing no disk. Refused by its metadata, before a byte is read;
        // reading it whole first (as before) would have cost 2 GiB of memory.
        file.set_len(2 << 30).unwrap();
        for result in [inspect_input_image(&path), read_input_image(&path).map(|(info, _)| info)] {
            let err = result.unwrap_err().to_string();
            assert!(err.contains("2147 MB is more than the 50 MB"), "{err}");
        }
    }

    #[test]
    fn jpeg_and_webp_headers_are_measured() {
        // SOI, APP0 (len 16), SOF0 with height 300 and width 200.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend_from_slice(&[0; 14]);
        jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x00, 0xC8, 0x03, 0, 0, 0, 0]);
        assert_eq!(sniff(&jpeg), Some(("jpeg", 200, 300)));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.extend_from_slice(&[0; 8]);
        webp.extend_from_slice(&[0x3F, 0x01, 0x00, 0xC7, 0x00, 0x00]);
        assert_eq!(sniff(&webp), Some(("webp", 320, 200)));
    }
}
