//! PNG text metadata at the byte level: read tEXt/iTXt chunks and write new ones in place of old
//! ones with the same keyword, placed before the first IDAT so every reader (PIL included) sees
//! them without decoding pixels. Pixel data is never touched. Reading also inflates zTXt and
//! compressed iTXt and accepts ComfyUI's `comf` chunks (animated PNGs). A few kilobytes of zlib
//! can inflate to gigabytes, so reading is bounded per file: only the keywords Easel reads are
//! inflated, all of them together within one budget, and only the first text chunks are read;
//! whatever is left out is reported by keyword with the reason. Chunk CRCs are not checked: a
//! damaged CRC in a text chunk should not hide a workflow the bytes still carry.

use crate::WorkflowError;

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The most bytes inflated from one PNG's compressed text chunks, all chunks together. A
/// workflow is well under this; a chunk that would take the total past it is refused, and so is
/// every compressed chunk after the budget is spent.
pub const MAX_TEXT_INFLATED_TOTAL: usize = 64 << 20;

/// The most text chunks (tEXt, zTXt, iTXt, `comf`) read from one PNG; later ones are skipped.
/// Real files carry two to five.
pub const MAX_TEXT_CHUNKS: usize = 64;

/// The keywords whose compressed chunks are inflated: those Easel reads (`prompt` and `workflow`
/// from ComfyUI, `parameters` from A1111 and Fooocus, `easel` from Easel itself), matched
/// ignoring ASCII case as the importer looks them up. Uncompressed chunks are kept whatever
/// their keyword, since they cost no more than their bytes in the file.
pub const INFLATED_KEYWORDS: &[&str] = &["prompt", "workflow", "parameters", "easel"];

/// Longest keyword the PNG specification allows; longer ones are cut in reports.
const MAX_KEYWORD: usize = 79;

/// The text entries of a PNG and what reading them left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PngText {
    /// (keyword, text) in file order.
    pub entries: Vec<(String, String)>,
    /// Text chunks not read, in file order; at most `MAX_TEXT_CHUNKS` are listed.
    pub skipped: Vec<SkippedChunk>,
    /// Further chunks skipped beyond those listed in `skipped`.
    pub more_skipped: usize,
    /// Bytes inflated from compressed chunks, refused ones included (at most
    /// `MAX_TEXT_INFLATED_TOTAL`).
    pub inflated: usize,
}

/// One text chunk that was not read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedChunk {
    /// Its keyword (cut to 79 characters).
    pub keyword: String,
    /// The chunk type: `tEXt`, `zTXt`, `iTXt` or `comf`.
    pub chunk: String,
    /// Plain-language reason.
    pub reason: String,
}

impl std::fmt::Display for SkippedChunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` ({}): {}", self.keyword, self.chunk, self.reason)
    }
}

impl PngText {
    fn skip(&mut self, keyword: &[u8], chunk: &[u8; 4], reason: String) {
        if self.skipped.len() < MAX_TEXT_CHUNKS {
            let keyword = latin1(&keyword[..keyword.len().min(MAX_KEYWORD)]);
            self.skipped.push(SkippedChunk { keyword, chunk: latin1(chunk), reason });
        } else {
            self.more_skipped += 1;
        }
    }

    /// Inflates zlib `data` within what is left of the file's budget.
    fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        let left = MAX_TEXT_INFLATED_TOTAL.saturating_sub(self.inflated);
        if left == 0 {
            return Err(format!("the file's inflate budget of {} MiB is used up", MAX_TEXT_INFLATED_TOTAL >> 20));
        }
        match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, left) {
            Ok(text) => {
                self.inflated += text.len();
                Ok(text)
            }
            Err(e) => {
                // What was inflated before the stop was work done and memory taken: it counts.
                self.inflated = self.inflated.saturating_add(e.output.len()).min(MAX_TEXT_INFLATED_TOTAL);
                Err(match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                        "inflates to more than the {} KiB left of the file's {} MiB budget",
                        left >> 10,
                        MAX_TEXT_INFLATED_TOTAL >> 20
                    ),
                    _ => "not valid zlib data".to_string(),
                })
            }
        }
    }
}

/// The text entries of a PNG, in file order (keyword, text). Chunks left out are dropped
/// silently here; `png_text` says which and why.
pub fn png_text_chunks(png: &[u8]) -> Result<Vec<(String, String)>, WorkflowError> {
    Ok(png_text(png)?.entries)
}

/// The text entries of a PNG, with the chunks that were not read and the bytes inflated.
pub fn png_text(png: &[u8]) -> Result<PngText, WorkflowError> {
    let mut out = PngText::default();
    let mut seen = 0usize;
    for chunk in chunks(png)? {
        let (kind, data) = chunk?;
        if !matches!(kind, b"tEXt" | b"iTXt" | b"zTXt" | b"comf") {
            continue;
        }
        let nul = data.iter().position(|b| *b == 0);
        let keyword = &data[..nul.unwrap_or(data.len())];
        seen += 1;
        if seen > MAX_TEXT_CHUNKS {
            out.skip(keyword, kind, format!("only the first {MAX_TEXT_CHUNKS} text chunks are read"));
            continue;
        }
        // A chunk without a keyword separator is not a text entry.
        let Some(nul) = nul else { continue };
        let used = INFLATED_KEYWORDS.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(keyword));
        match kind {
            b"tEXt" | b"comf" => out.entries.push((latin1(keyword), decode_text(&data[nul + 1..]))),
            b"zTXt" => {
                // keyword NUL method(0) zlib-data
                let Some(packed) = data.get(nul + 2..) else { continue };
                if !used {
                    out.skip(keyword, kind, not_inflated());
                    continue;
                }
                match out.inflate(packed) {
                    Ok(text) => out.entries.push((latin1(keyword), decode_owned(text))),
                    Err(reason) => out.skip(keyword, kind, reason),
                }
            }
            _ => match read_itxt(&data[nul + 1..]) {
                Some((false, body)) => out.entries.push((latin1(keyword), decode_text(body))),
                Some((true, _)) if !used => out.skip(keyword, kind, not_inflated()),
                Some((true, body)) => match out.inflate(body) {
                    Ok(text) => out.entries.push((latin1(keyword), decode_owned(text))),
                    Err(reason) => out.skip(keyword, kind, reason),
                },
                None => out.skip(keyword, kind, "malformed iTXt (a separator is missing)".into()),
            },
        }
    }
    Ok(out)
}

fn not_inflated() -> String {
    format!(
        "compressed, and Easel reads no such keyword (only {}), so it is not inflated",
        INFLATED_KEYWORDS.join(", ")
    )
}

/// A copy of `png` carrying `entries` as text chunks, replacing earlier chunks of the same keyword.
/// Text that fits Latin-1 goes in tEXt, anything else in uncompressed iTXt (UTF-8).
pub fn png_with_text(png: &[u8], entries: &[(&str, &str)]) -> Result<Vec<u8>, WorkflowError> {
    let mut out = Vec::with_capacity(png.len() + entries.iter().map(|(k, v)| k.len() + v.len() + 32).sum::<usize>());
    out.extend_from_slice(SIGNATURE);
    let mut written = false;
    for chunk in chunks(png)? {
        let (kind, data) = chunk?;
        let is_text = kind == b"tEXt" || kind == b"iTXt" || kind == b"zTXt";
        if is_text && entries.iter().any(|(k, _)| data.starts_with(k.as_bytes()) && data.get(k.len()) == Some(&0)) {
            continue;
        }
        if kind == b"IDAT" && !written {
            for (key, text) in entries {
                write_text(&mut out, key, text);
            }
            written = true;
        }
        write_chunk(&mut out, kind, data);
    }
    if !written {
        return Err(WorkflowError::Png("the PNG has no image data (IDAT)".into()));
    }
    Ok(out)
}

type Chunk<'a> = Result<(&'a [u8; 4], &'a [u8]), WorkflowError>;

fn chunks(png: &[u8]) -> Result<impl Iterator<Item = Chunk<'_>>, WorkflowError> {
    if !png.starts_with(SIGNATURE) {
        return Err(WorkflowError::Png("not a PNG file (bad signature)".into()));
    }
    let mut pos = SIGNATURE.len();
    let mut done = false;
    Ok(std::iter::from_fn(move || {
        if done || pos >= png.len() {
            return None;
        }
        let header = png.get(pos..pos + 8);
        let parsed = header.and_then(|h| {
            let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
            let kind: &[u8; 4] = h[4..8].try_into().ok()?;
            let data = png.get(pos + 8..pos.checked_add(8 + len)?)?;
            png.get(pos + 8 + len..pos + 12 + len)?;
            Some((kind, data, len))
        });
        match parsed {
            Some((kind, data, len)) => {
                pos += 12 + len;
                done = kind == b"IEND";
                Some(Ok((kind, data)))
            }
            None => {
                done = true;
                Some(Err(WorkflowError::Png(format!("chunk at byte {pos} runs past the end of the file"))))
            }
        }
    }))
}

/// The rest of an iTXt chunk after its keyword: whether the text is compressed, and the text.
fn read_itxt(rest: &[u8]) -> Option<(bool, &[u8])> {
    // compression flag, method, language tag NUL, translated keyword NUL, text
    let (compressed, rest) = (*rest.first()?, rest.get(2..)?);
    let lang_end = rest.iter().position(|b| *b == 0)?;
    let rest = &rest[lang_end + 1..];
    let tkey_end = rest.iter().position(|b| *b == 0)?;
    Some((compressed != 0, &rest[tkey_end + 1..]))
}

/// Raw UTF-8 in tEXt is common (ComfyUI, A1111) although the spec says Latin-1: UTF-8 first.
fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => latin1(bytes),
    }
}

/// `decode_text` for inflated text, which is taken over rather than copied (it can be large).
fn decode_owned(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => latin1(e.as_bytes()),
    }
}

fn write_text(out: &mut Vec<u8>, key: &str, text: &str) {
    let mut data = Vec::with_capacity(key.len() + text.len() + 5);
    data.extend_from_slice(key.as_bytes());
    data.push(0);
    if text.chars().all(|c| (c as u32) < 256 && c != '\0') {
        data.extend(text.chars().map(|c| c as u8));
        write_chunk(out, b"tEXt", &data);
    } else {
        data.extend_from_slice(&[0, 0, 0, 0]);
        data.extend_from_slice(text.as_bytes());
        write_chunk(out, b"iTXt", &data);
    }
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| *b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_png() -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        write_chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        write_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
        write_chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn writes_reads_and_replaces_text() {
        let png = png_with_text(&tiny_png(), &[("prompt", "{\"a\":1}"), ("easel", "雪")]).unwrap();
        let png = png_with_text(&png, &[("prompt", "{\"b\":2}")]).unwrap();
        let mut text = png_text_chunks(&png).unwrap();
        text.sort();
        assert_eq!(text, [("easel".to_string(), "雪".to_string()), ("prompt".into(), "{\"b\":2}".into())]);
    }

    #[test]
    fn reads_ztxt_and_compressed_itxt() {
        let mut png = SIGNATURE.to_vec();
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(b"Steps: 5", 6);
        let mut z = b"parameters\0\0".to_vec();
        z.extend_from_slice(&packed);
        write_chunk(&mut png, b"zTXt", &z);
        let mut i = b"prompt\0\x01\0en\0\0".to_vec();
        i.extend_from_slice(&miniz_oxide::deflate::compress_to_vec_zlib("雪".as_bytes(), 6));
        write_chunk(&mut png, b"iTXt", &i);
        write_chunk(&mut png, b"IEND", &[]);
        let text = png_text_chunks(&png).unwrap();
        assert_eq!(text, [("parameters".to_string(), "Steps: 5".to_string()), ("prompt".into(), "雪".into())]);
    }

    #[test]
    fn truncated_file_is_an_error_not_a_panic() {
        let png = tiny_png();
        for cut in 0..png.len() - 1 {
            let _ = png_text_chunks(&png[..cut]); // must not panic; result irrelevant
        }
        assert!(png_text_chunks(&png[..20]).is_err());
    }
}
