//! PNG text metadata at the byte level: read tEXt/iTXt chunks and write new ones in place of old
//! ones with the same keyword, placed before the first IDAT so every reader (PIL included) sees
//! them without decoding pixels. Pixel data is never touched. Reading also inflates zTXt and
//! compressed iTXt (with a size cap, so a zip bomb is an error, not an out-of-memory) and accepts
//! ComfyUI's `comf` chunks (animated PNGs). Chunk CRCs are not checked: a damaged CRC in a text
//! chunk should not hide a workflow the bytes still carry.

use crate::WorkflowError;

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The text entries of a PNG, in file order (keyword, text).
pub fn png_text_chunks(png: &[u8]) -> Result<Vec<(String, String)>, WorkflowError> {
    let mut out = Vec::new();
    for chunk in chunks(png)? {
        let (kind, data) = chunk?;
        match kind {
            b"tEXt" => {
                if let Some(nul) = data.iter().position(|b| *b == 0) {
                    out.push((latin1(&data[..nul]), decode_text(&data[nul + 1..])));
                }
            }
            b"iTXt" => {
                if let Some(entry) = read_itxt(data) {
                    out.push(entry);
                }
            }
            b"zTXt" => {
                // keyword NUL method(0) zlib-data
                if let Some(nul) = data.iter().position(|b| *b == 0) {
                    if let Some(text) = data.get(nul + 2..).and_then(inflate) {
                        out.push((latin1(&data[..nul]), decode_text(&text)));
                    }
                }
            }
            b"comf" => {
                if let Some(nul) = data.iter().position(|b| *b == 0) {
                    out.push((latin1(&data[..nul]), decode_text(&data[nul + 1..])));
                }
            }
            _ => {}
        }
    }
    Ok(out)
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

fn read_itxt(data: &[u8]) -> Option<(String, String)> {
    let nul = data.iter().position(|b| *b == 0)?;
    let key = latin1(&data[..nul]);
    let (compressed, rest) = (*data.get(nul + 1)?, data.get(nul + 3..)?);
    let lang_end = rest.iter().position(|b| *b == 0)?;
    let rest = &rest[lang_end + 1..];
    let tkey_end = rest.iter().position(|b| *b == 0)?;
    let body = &rest[tkey_end + 1..];
    let text = if compressed != 0 { decode_text(&inflate(body)?) } else { decode_text(body) };
    Some((key, text))
}

/// Largest inflated text accepted (a workflow is well under this).
const MAX_INFLATED: usize = 64 << 20;

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_INFLATED).ok()
}

/// Raw UTF-8 in tEXt is common (ComfyUI, A1111) although the spec says Latin-1: UTF-8 first.
fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => latin1(bytes),
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
