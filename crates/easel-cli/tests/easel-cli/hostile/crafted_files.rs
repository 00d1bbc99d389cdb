//! Crafted files against `easel check`, `convert`, `run` and `library import`: long chains and
//! node counts, subgraph bombs and recursion, and a PNG text bomb.

use super::*;

/// `easel check` and `easel convert` on `file`, both refused with exit 2 and `parts` in stderr.
fn refused_by_check_and_convert(what: &str, file: &Path, parts: &[&str]) {
    let check = easel(&[os("check"), file.as_os_str()], &[]);
    check.expect(&format!("check {what}"), 2).says(what, parts);
    let convert = easel(&[os("convert"), file.as_os_str()], &[]);
    convert.expect(&format!("convert {what}"), 2).says(what, parts);
    assert!(convert.stdout.is_empty(), "convert {what} printed a graph");
}

/// A TAMS params map: EmptyLatentImage, `links` LatentUpscaleBy in a line (the first doubles),
/// VAEDecode (with a checkpoint's VAE) and SaveImage: `links + 4` nodes.
pub(super) fn chain(links: usize) -> Value {
    let mut nodes = serde_json::Map::new();
    nodes.insert(
        "ckpt".into(),
        json!({"classType": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "600423083519508503"}}),
    );
    nodes.insert(
        "latent".into(),
        json!({"classType": "EmptyLatentImage", "inputs": {"width": 256, "height": 256, "batch_size": 1}}),
    );
    for i in 1..=links {
        let from = if i == 1 { "latent".to_string() } else { format!("up{}", i - 1) };
        let by = if i == 1 { 2.0 } else { 1.0 };
        nodes.insert(
            format!("up{i}"),
            json!({"classType": "LatentUpscaleBy",
                   "inputs": {"samples": [from, 0], "upscale_method": "nearest-exact", "scale_by": by}}),
        );
    }
    nodes.insert(
        "decode".into(),
        json!({"classType": "VAEDecode", "inputs": {"samples": [format!("up{links}"), 0], "vae": ["ckpt", 2]}}),
    );
    nodes.insert(
        "save".into(),
        json!({"classType": "SaveImage", "inputs": {"images": ["decode", 0], "filename_prefix": "chain"}}),
    );
    Value::Object(nodes)
}

/// The same chain as a ComfyUI API file (`class_type`).
fn api_file(dir: &Path, name: &str, links: usize) -> PathBuf {
    let text = chain(links).to_string().replace("\"classType\"", "\"class_type\"");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// An editor file whose top-level node is an instance of subgraph `bomb`, which holds `k`
/// instances of itself: the audit's "billion laughs".
fn laughs(k: usize) -> Value {
    let inner: Vec<Value> = (1..=k).map(|i| json!({"id": i, "type": "bomb", "mode": 0})).collect();
    json!({"version": 0.4, "links": [], "nodes": [{"id": 1, "type": "bomb", "mode": 0}],
           "definitions": {"subgraphs": [{"id": "bomb", "nodes": inner, "links": []}]}})
}

/// One PNG chunk: length, type, data, CRC.

#[test]
fn long_chains_and_node_counts_are_bounded_in_check_convert_and_run() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    // H2: 12,004 nodes, about 1.3 MB, under the emulator's 2 MiB body limit: refused by the cap.
    let long = api_file(dir.path(), "chain12000.json", 12_000);
    refused_by_check_and_convert(
        "chain12000",
        &long,
        &["chain12000.json", "too many nodes: 12004, the limit is 10000"],
    );
    let library = dir.path().join("lib");
    let run = easel(&[os("run"), long.as_os_str(), os("--library"), library.as_os_str(), os("--yes")], &[]);
    run.expect("run chain12000", 2).says("run", &["too many nodes: 12004, the limit is 10000"]);
    assert!(journal(&library).is_empty(), "nothing recorded for a refused file");

    // One over the cap.
    let over = api_file(dir.path(), "nodes10001.json", 9_997);
    refused_by_check_and_convert("nodes10001", &over, &["too many nodes: 10001, the limit is 10000"]);

    // 5,004 nodes: accepted everywhere, and run end to end against the in-process emulator.
    let ok = api_file(dir.path(), "chain5000.json", 5_000);
    let check = easel(&[os("check"), ok.as_os_str()], &[]);
    check.expect("check chain5000", 0);
    assert!(check.stdout.contains("5004 nodes: 0 error(s)"), "{}", check.stdout);
    let convert = easel(&[os("convert"), ok.as_os_str(), os("--to"), os("tams")], &[]);
    convert.expect("convert chain5000", 0);
    let converted: Value = serde_json::from_str(&convert.stdout).unwrap();
    assert_eq!(converted.as_object().map(|m| m.len()), Some(5_004));
    let budget = dir.path().join("budget");
    let run = easel(
        &[os("run"), ok.as_os_str(), os("--library"), library.as_os_str(), os("--yes")],
        &[("EASEL_BUDGET_DIR", budget.as_os_str())],
    );
    run.expect("run chain5000", 0).says("run chain5000", &["done: 1 image(s)"]);
    assert_eq!(library_state(&library), (1, 1, 0), "one image saved and indexed, no .part left");
    let runs = journal(&library);
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].1.as_str(), runs[0].3), ("succeeded", 1));
}

#[test]
fn subgraph_bombs_and_recursion_are_refused_by_name_in_check_convert_run_and_import() {
    let _timed = crate::TIMED.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let bomb_pngs = dir.path().join("pngs");
    std::fs::create_dir(&bomb_pngs).unwrap();
    for k in [6, 10] {
        let bomb = laughs(k).to_string();
        assert!(bomb.len() < 1200, "about a kilobyte, as in the audit: {}", bomb.len());
        let file = dir.path().join(format!("laughs{k}.json"));
        std::fs::write(&file, &bomb).unwrap();
        let what = format!("laughs{k}");
        refused_by_check_and_convert(&what, &file, &["subgraph `bomb`: it contains an instance of itself"]);
        let library = dir.path().join(format!("lib{k}"));
        let run = easel(&[os("run"), file.as_os_str(), os("--library"), library.as_os_str(), os("--yes")], &[]);
        run.expect(&format!("run {what}"), 2).says(&what, &["subgraph `bomb`"]);
        assert!(journal(&library).is_empty(), "nothing recorded for {what}");
        // The same bomb as a PNG's `workflow` chunk, for the library import.
        std::fs::write(bomb_pngs.join(format!("{what}.png")), png(&[(b"tEXt", text("workflow", &bomb))])).unwrap();
    }
    let recursive = json!({"version": 0.4, "links": [], "nodes": [{"id": 1, "type": "a", "mode": 0}],
        "definitions": {"subgraphs": [
            {"id": "a", "links": [], "nodes": [{"id": 1, "type": "b", "mode": 0}]},
            {"id": "b", "links": [], "nodes": [{"id": 1, "type": "c", "mode": 0}, {"id": 2, "type": "KSampler", "mode": 0}]},
            {"id": "c", "links": [], "nodes": [{"id": 1, "type": "a", "mode": 0}]}]}});
    let file = dir.path().join("recursive.json");
    std::fs::write(&file, recursive.to_string()).unwrap();
    refused_by_check_and_convert("recursive", &file, &["subgraph `a`", "a -> b -> c -> a"]);

    let library = dir.path().join("gallery");
    let import =
        easel(&[os("library"), os("import"), bomb_pngs.as_os_str(), os("--library"), library.as_os_str()], &[]);
    // A PNG is still a picture when its metadata is refused: it is indexed without a workflow.
    import.expect("library import of bomb PNGs", 0).says("import", &["2 images indexed"]);
    indexed_without_metadata(&library, &["laughs10.png", "laughs6.png"]);
}

#[test]
fn a_png_text_bomb_is_read_within_one_budget_in_check_convert_and_import() {
    let _timed = crate::TIMED.blocking_lock();
    // M1: 40 zTXt chunks, each inflating to 64 MiB ("{}" then spaces): 2.5 GiB were it all read.
    const INFLATED: usize = 64 << 20;
    let mut body = vec![b' '; INFLATED];
    body[..2].copy_from_slice(b"{}");
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&body, 9);
    drop(body);
    let chunks: Vec<(&[u8; 4], Vec<u8>)> = (0..40)
        .map(|i| {
            let mut data = easel_workflow::INFLATED_KEYWORDS[i % 4].as_bytes().to_vec();
            data.extend_from_slice(&[0, 0]);
            data.extend_from_slice(&packed);
            (b"zTXt", data)
        })
        .collect();
    let bytes = png(&chunks);
    println!("text bomb: {} bytes of PNG", bytes.len());
    assert!((2_000_000..3_000_000).contains(&bytes.len()), "about 2.4 MB: {}", bytes.len());
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("ztxt_bomb.png");
    std::fs::write(&file, &bytes).unwrap();
    drop(bytes);

    let parts = ["ztxt_bomb.png", "`workflow` (zTXt)", "inflate budget of 64 MiB"];
    refused_by_check_and_convert("ztxt_bomb", &file, &parts);
    let library = dir.path().join("lib");
    let import = easel(&[os("library"), os("import"), folder.as_os_str(), os("--library"), library.as_os_str()], &[]);
    import.expect("library import of the text bomb", 0).says("import", &["1 images indexed"]);
    indexed_without_metadata(&library, &["ztxt_bomb.png"]);
}
