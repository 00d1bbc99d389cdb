//! Any bytes after a PNG signature: chunk walking, tEXt/iTXt/zTXt decoding, metadata choice and
//! import, and rewriting text chunks. Nothing may panic.
#![no_main]

use easel_workflow::{png_text_chunks, png_with_text, Schemas};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(data);
    let _chunks = png_text_chunks(&png);
    if let Ok(imported) = Schemas::bundled().import_bytes(&png) {
        let _problems = Schemas::bundled().validate(&imported.workflow);
    }
    let _rewritten = png_with_text(&png, &[("prompt", "{}"), ("easel", "雪")]);
});
