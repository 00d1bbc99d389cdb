//! PNG files at the byte level, as far as the library needs them: the size from IHDR, the text
//! entries (through `easel_workflow::png_text_chunks`, which inflates zTXt and compressed iTXt
//! with a size cap), and a copy without any metadata for export. Pixels are never decoded here;
//! a file that is not a PNG is an error, never a panic.

use std::path::Path;

use crate::LibraryError;

pub(crate) const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// What the library reads from a PNG without decoding pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PngInfo {
    /// Width in pixels, from IHDR.
    pub width: u32,
    /// Height in pixels, from IHDR.
    pub height: u32,
    /// Text entries (keyword, text) in file order, compressed ones included.
    pub text: Vec<(String, String)>,
}

impl PngInfo {
    /// The first text entry with this keyword.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.text.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Reads size and text entries from the bytes of `path`.
pub(crate) fn read_png(bytes: &[u8], path: &Path) -> Result<PngInfo, LibraryError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(LibraryError::bad(path, "not a PNG file (bad signature)"));
    }
    let mut width_height = None;
    for chunk in Chunks::new(bytes) {
        let (kind, data) = chunk.map_err(|at| LibraryError::bad(path, format!("chunk at byte {at} is truncated")))?;
        if &kind == b"IHDR" && data.len() >= 8 {
            let w = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            let h = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
            width_height = Some((w, h));
        }
    }
    let (width, height) = width_height.ok_or_else(|| LibraryError::bad(path, "PNG without an IHDR header"))?;
    let text = easel_workflow::png_text_chunks(bytes).map_err(|e| LibraryError::bad(path, e.to_string()))?;
    Ok(PngInfo { width, height, text })
}

/// A copy of `bytes` without text, EXIF or time chunks: the pixels and colour data only.
pub(crate) fn strip_metadata(bytes: &[u8], path: &Path) -> Result<Vec<u8>, LibraryError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(LibraryError::bad(path, "not a PNG file (bad signature)"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    for chunk in Chunks::new(bytes) {
        let (kind, data) = chunk.map_err(|at| LibraryError::bad(path, format!("chunk at byte {at} is truncated")))?;
        let whole = 12 + data.len();
        if !matches!(&kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            // Chunks are copied whole, CRC included, so nothing needs recomputing.
            out.extend_from_slice(&bytes[pos..pos + whole]);
        }
        pos += whole;
    }
    Ok(out)
}

/// Walks the chunks after the signature; an error carries the byte offset of the broken chunk.
struct Chunks<'a> {
    bytes: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Chunks<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Chunks { bytes, pos: PNG_SIGNATURE.len(), done: false }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<([u8; 4], &'a [u8]), usize>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.bytes.len() {
            return None;
        }
        let at = self.pos;
        let parsed = self.bytes.get(at..at + 8).and_then(|h| {
            let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
            let kind = [h[4], h[5], h[6], h[7]];
            let end = at.checked_add(12)?.checked_add(len)?;
            // The CRC must be there too, so a caller may copy the chunk whole.
            self.bytes.get(at..end)?;
            self.bytes.get(at + 8..end - 4).map(|data| (kind, data, end))
        });
        match parsed {
            Some((kind, data, end)) => {
                self.pos = end;
                self.done = &kind == b"IEND";
                Some(Ok((kind, data)))
            }
            None => {
                self.done = true;
                Some(Err(at))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncations_are_errors_not_panics() {
        let png = std::fs::read(
            std::env::var_os("EASEL_SHARED")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_dir())
                .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
                .join("corpus/png/a1111_parameters_ztxt_after_idat.png"),
        )
        .unwrap();
        let full = read_png(&png, Path::new("x.png")).unwrap();
        assert!(full.text("parameters").is_some_and(|t| t.contains("Steps")));
        for cut in 0..png.len() {
            let _ = read_png(&png[..cut], Path::new("x.png")); // must not panic; result irrelevant
            let _ = strip_metadata(&png[..cut], Path::new("x.png")); // same
        }
    }

    #[test]
    fn strip_removes_every_text_chunk() {
        let png = std::fs::read(
            std::env::var_os("EASEL_SHARED")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_dir())
                .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
                .join("corpus/png/sdparsers_comfy_img2img_cropped.png"),
        )
        .unwrap();
        let stripped = strip_metadata(&png, Path::new("x.png")).unwrap();
        let info = read_png(&stripped, Path::new("x.png")).unwrap();
        assert!(info.text.is_empty());
        assert!(image::load_from_memory(&stripped).is_ok());
    }
}
