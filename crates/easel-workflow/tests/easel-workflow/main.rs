//! Integration tests of easel-workflow: the shared corpus (every file imports or fails with a
//! located error; editor->API conversion checked against the API graph embedded beside it),
//! round-trip properties on generated graphs, edited values written back into editor graphs
//! (corpus files and hostile ones), and the limits that keep hostile files cheap: long chains,
//! node caps, subgraph bombs and PNG text bombs.

mod corpus;
mod expansion;
mod long_graphs;
mod matching;
mod png_budget;
mod roundtrip;
mod writeback;
mod writeback_hostile;

/// One PNG chunk, written by hand for test files: length, type, data, CRC.
pub fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A 1x1 PNG with `chunks` (type, data) between IHDR and IDAT.
pub fn png(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    write_chunk(&mut out, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    for (kind, data) in chunks {
        write_chunk(&mut out, kind, data);
    }
    write_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    write_chunk(&mut out, b"IEND", &[]);
    out
}
