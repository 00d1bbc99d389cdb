//! Any bytes as one journal row, decoded the way `Engine::resume` reads a row back into a run
//! plan (`easel_engine::decode_row`): the first byte picks the `kind` column (even: `graph`, odd:
//! `template`, with a few odd spellings a hand-edited journal might hold), and the rest is split
//! at NUL bytes into the `workflow`, `editor` and `uploads` columns (a missing column is NULL).
//! Nothing may panic, and a row that decodes must re-encode to a fixed point: decoding the
//! document it would store again gives back the same document. SQLite itself is left out (the
//! columns are handed over as text, as `rusqlite` would give them).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// `kind` column values: the two the engine writes, and others it must treat as a graph.
const KINDS: [&str; 4] = ["graph", "template", "", "Template"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let kind = KINDS[usize::from(first) % KINDS.len()];
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut columns = text.split('\0');
    let workflow = columns.next().unwrap_or_default();
    let editor = columns.next();
    let uploads = columns.next();
    let Ok((stored, _uploads)) = easel_engine::decode_row(kind, workflow, editor, uploads) else { return };
    match easel_engine::decode_row(kind, &stored, None, None) {
        Ok((again, 0)) => assert_eq!(again, stored, "a decoded row re-encodes to a fixed point"),
        Ok((_, n)) => panic!("{n} uploads appeared from a NULL uploads column"),
        Err(e) => panic!("the document a decoded row would store again is unreadable: {e}\n{stored}"),
    }
});
