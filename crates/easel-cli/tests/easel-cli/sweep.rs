//! `easel sweep` end to end on the offline emulator: four 1024×1536 cells and one labelled
//! grid bigger than a cell whose `easel` chunk holds the sweep; the history lists the four runs
//! as cells of that sweep; a bad axis is refused before anything runs.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::reference_file;

fn easel(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_easel")).args(args).arg("--library").arg(library).output().unwrap()
}

fn size(path: &str) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{path}");
    (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()))
}

#[test]
fn a_two_by_two_sweep_saves_four_cells_and_a_labelled_grid() {
    let library = tempfile::tempdir().unwrap();
    let reference = reference_file();
    let args = ["sweep", reference.to_str().unwrap(), "--x", "3.cfg=6,7", "--y", "3.steps=20,26"];
    let ran = easel(library.path(), &args);
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "four cells and the grid: {stdout}");
    for cell in &lines[..4] {
        assert_eq!(size(cell), (1024, 1536), "{cell}");
    }
    let grid = lines[4].strip_prefix("grid: ").expect("the grid's line comes last");
    let (w, h) = size(grid);
    assert!(w > 2 * 1024 && h > 2 * 1536, "two cells across and down, plus labels: {w}x{h}");
    let text = easel_workflow::png_text_chunks(&std::fs::read(grid).unwrap()).unwrap();
    let chunk: Value = serde_json::from_str(&text.iter().find(|(k, _)| k == "easel").unwrap().1).unwrap();
    let axes = &chunk["sweep"]["definition"]["axes"];
    assert_eq!(axes[0]["target"], serde_json::json!({"kind": "input", "nodeId": "3", "input": "cfg"}));
    assert_eq!(axes[1]["values"][1]["value"], 26);
    assert_eq!(chunk["sweep"]["cells"].as_array().unwrap().len(), 4);
    assert!(text.iter().any(|(k, _)| k == "prompt"), "opening the grid opens the sweep's workflow");

    let history = easel(library.path(), &["history", "--json"]);
    let runs: Value = serde_json::from_slice(&history.stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let sweep = chunk["sweep"]["sweepId"].as_str().unwrap();
    assert!(runs.iter().all(|r| r["sweepId"] == sweep && r["status"] == "succeeded"), "{runs:?}");
    let mut cells: Vec<(u64, u64)> =
        runs.iter().map(|r| (r["sweepCell"]["x"].as_u64().unwrap(), r["sweepCell"]["y"].as_u64().unwrap())).collect();
    cells.sort();
    assert_eq!(cells, [(0, 0), (0, 1), (1, 0), (1, 1)]);
    let only = easel(library.path(), &["history", "--json", "--sweep", sweep]);
    assert_eq!(serde_json::from_slice::<Value>(&only.stdout).unwrap().as_array().unwrap().len(), 4);
}

#[test]
fn bad_axes_are_refused_before_anything_runs() {
    let library = tempfile::tempdir().unwrap();
    let reference = reference_file();
    let file = reference.to_str().unwrap();
    for (axis, expected) in [
        ("3.steps=20,2.5", "whole number"),
        ("3.sampler_name=euler,nonsense", "not one of its choices"),
        ("99.cfg=6", "no node 99"),
        ("S/R: qqqzzz, a", "appears in no text input"),
    ] {
        let refused = easel(library.path(), &["sweep", file, "--x", axis]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{axis}: {stderr}");
        assert!(stderr.contains(expected), "{axis}: {stderr}");
    }
    let history = easel(library.path(), &["history", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&history.stdout).unwrap(), serde_json::json!([]), "nothing recorded");
}
