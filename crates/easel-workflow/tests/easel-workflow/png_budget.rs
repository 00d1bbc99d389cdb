//! PNG text chunks from hostile files (audit M1): a 2.4 MB file of 40 zTXt chunks that would
//! each inflate to 60 MB is read within one per-file inflate budget, the chunks left out are
//! named, chunks past the cap are skipped, unused keywords are never inflated, and ordinary
//! corpus PNGs still give their prompt and workflow with nothing left out.

use easel_workflow::{
    png_text, png_with_text, Schemas, WorkflowError, INFLATED_KEYWORDS, MAX_TEXT_CHUNKS, MAX_TEXT_INFLATED_TOTAL,
};

use crate::corpus::corpus;
use crate::png;

fn ztxt(keyword: &str, packed: &[u8]) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.extend_from_slice(&[0, 0]);
    data.extend_from_slice(packed);
    data
}

#[test]
fn forty_chunks_of_sixty_megabytes_stay_within_one_budget_and_are_named() {
    // `{}` then spaces: JSON that parses at once, so the one chunk that fits costs no parsing.
    const INFLATED: usize = 60_000_000;
    let mut text = vec![b' '; INFLATED];
    text[..2].copy_from_slice(b"{}");
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&text, 9);
    drop(text);
    let chunks: Vec<(&[u8; 4], Vec<u8>)> =
        (0..40).map(|i| (b"zTXt", ztxt(INFLATED_KEYWORDS[i % INFLATED_KEYWORDS.len()], &packed))).collect();
    let file = png(&chunks);
    println!(
        "{} bytes of PNG, {} of zlib per chunk, {} bytes were it all inflated",
        file.len(),
        packed.len(),
        40 * INFLATED
    );
    assert!((2_000_000..3_000_000).contains(&file.len()), "about 2.4 MB: {}", file.len());

    let read = png_text(&file).unwrap();
    println!("inflated {} bytes; {} chunks read, {} left out", read.inflated, read.entries.len(), read.skipped.len());
    assert!(read.inflated <= MAX_TEXT_INFLATED_TOTAL, "{} bytes inflated", read.inflated);
    assert_eq!(read.entries.len(), 1, "the first chunk fits the budget");
    assert_eq!(read.entries[0].0, "prompt");
    assert_eq!(read.entries[0].1.len(), INFLATED);
    assert_eq!((read.skipped.len(), read.more_skipped), (39, 0));
    assert!(read.skipped.iter().all(|s| s.chunk == "zTXt"));
    assert_eq!(read.skipped[0].keyword, "workflow");
    assert!(read.skipped[0].reason.contains("KiB left of the file's 64 MiB budget"), "{}", read.skipped[0]);
    assert_eq!(read.skipped[1].to_string(), "`parameters` (zTXt): the file's inflate budget of 64 MiB is used up");

    // The importer puts the chunks it could not read into its error, by keyword.
    let err = Schemas::bundled().import_bytes(&file).unwrap_err();
    let WorkflowError::Png(message) = &err else { panic!("expected a PNG error, got {err:?}") };
    assert!(message.starts_with("chunk `prompt`: not a workflow"), "{message}");
    for keyword in ["`workflow` (zTXt)", "`parameters` (zTXt)", "`easel` (zTXt)"] {
        assert!(message.contains(keyword), "{keyword} missing from: {message:.300}");
    }
}

#[test]
fn chunks_past_the_cap_and_unused_compressed_keywords_are_skipped_and_named() {
    let prompt = concat!(
        r#"{"1":{"class_type":"EmptyLatentImage","inputs":{"width":512,"height":512,"batch_size":1}},"#,
        r#""2":{"class_type":"PreviewImage","inputs":{"images":["1",0]}}}"#
    );
    let comment = miniz_oxide::deflate::compress_to_vec_zlib(b"shot on a phone", 6);
    let mut chunks: Vec<(&[u8; 4], Vec<u8>)> = vec![(b"zTXt", ztxt("Comment", &comment))];
    chunks.extend((1..MAX_TEXT_CHUNKS).map(|i| (b"tEXt", format!("note{i}\0filler").into_bytes())));
    // The 65th and 66th text chunks: not read, even though the prompt is there.
    chunks.push((b"tEXt", format!("prompt\0{prompt}").into_bytes()));
    chunks.push((b"tEXt", b"late\0x".to_vec()));
    let file = png(&chunks);

    let read = png_text(&file).unwrap();
    assert_eq!(read.inflated, 0, "a keyword Easel does not read is never inflated");
    assert_eq!(read.entries.len(), MAX_TEXT_CHUNKS - 1);
    let skipped: Vec<String> = read.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 3);
    assert!(skipped[0].starts_with("`Comment` (zTXt): compressed, and Easel reads no such keyword"), "{}", skipped[0]);
    assert_eq!(skipped[1], format!("`prompt` (tEXt): only the first {MAX_TEXT_CHUNKS} text chunks are read"));
    assert_eq!(skipped[2], format!("`late` (tEXt): only the first {MAX_TEXT_CHUNKS} text chunks are read"));

    // Within the cap the same prompt imports, with the skipped chunk named in a warning.
    let file = png_with_text(&png(&[(b"zTXt", ztxt("Comment", &comment))]), &[("prompt", prompt)]).unwrap();
    let imported = Schemas::bundled().import_bytes(&file).unwrap();
    assert_eq!(imported.workflow.nodes.len(), 2);
    assert!(imported.warnings[0].starts_with("PNG text chunk not read: `Comment` (zTXt)"), "{:?}", imported.warnings);
}

#[test]
fn only_skipped_chunks_make_a_clear_error() {
    // The audit's 200 MB zTXt was dropped and then reported as "no text chunks at all" (I3).
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&vec![b' '; MAX_TEXT_INFLATED_TOTAL + 1], 9);
    let err = Schemas::bundled().import_bytes(&png(&[(b"zTXt", ztxt("workflow", &packed))])).unwrap_err();
    let message = err.to_string();
    let expected = "bad PNG: no text chunk could be read, so no workflow; \
                    text chunks not read: `workflow` (zTXt): inflates to more than";
    assert!(message.starts_with(expected), "{message}");
}

#[test]
fn corpus_pngs_still_give_their_prompt_and_workflow() {
    let read = png_text(&std::fs::read(corpus().join("png/comfy_hiresfix_latent.png")).unwrap()).unwrap();
    let keys: Vec<&str> = read.entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["prompt", "workflow"]);
    assert!(read.entries.iter().all(|(_, text)| text.starts_with('{')));
    assert_eq!((read.skipped.len(), read.inflated), (0, 0));

    // Its zTXt `parameters` chunk is inflated (the tEXt `date:*` and `filename:*` ones are kept).
    let read = png_text(&std::fs::read(corpus().join("png/a1111_parameters_ztxt_after_idat.png")).unwrap()).unwrap();
    let (_, text) = read.entries.iter().find(|(k, _)| k == "parameters").unwrap();
    assert!(text.contains("Steps:"), "{text}");
    assert_eq!(read.inflated, text.len());
    assert!(read.skipped.is_empty());
}
