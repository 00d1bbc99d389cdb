//! Wildcards through `easel run`: each run's prompt is drawn from its seed and is what its PNG
//! records; `--wildcards every` runs every combination; a missing wildcard file or an unclosed
//! brace stops the run with a located message before anything is sent.

use std::path::Path;
use std::process::{Command, Output};

use crate::{pngs_under, reference_file};

fn easel(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_easel"))
        .arg("run")
        .arg(reference_file())
        .args(args)
        .arg("--library")
        .arg(library)
        .output()
        .unwrap()
}

/// The `prompt` chunk's text of input 6 (the positive prompt) of every PNG in the library.
fn prompts(library: &Path) -> Vec<String> {
    let mut out: Vec<String> = pngs_under(library)
        .into_iter()
        .map(|p| {
            let text = easel_workflow::png_text_chunks(&std::fs::read(&p).unwrap()).unwrap();
            let prompt: serde_json::Value =
                serde_json::from_str(&text.iter().find(|(k, _)| k == "prompt").unwrap().1).unwrap();
            prompt["6"]["inputs"]["text"].as_str().unwrap().to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn each_run_draws_its_prompt_and_the_png_records_it() {
    let library = tempfile::tempdir().unwrap();
    let args = ["--set", "6.text={red|green|blue} fox", "--count", "6", "--seed-mode", "increment"];
    let ran = easel(library.path(), &args);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let drawn = prompts(library.path());
    assert_eq!(drawn.len(), 6);
    let allowed = ["red fox", "green fox", "blue fox"];
    assert!(drawn.iter().all(|p| allowed.contains(&p.as_str())), "{drawn:?}");
    let distinct: std::collections::BTreeSet<_> = drawn.iter().collect();
    assert!(distinct.len() > 1, "seeds 0..6 draw more than one colour: {drawn:?}");

    // The same seeds draw the same prompts in another library.
    let again = tempfile::tempdir().unwrap();
    assert!(easel(again.path(), &args).status.success());
    assert_eq!(prompts(again.path()), drawn);
}

#[test]
fn every_combination_runs_once_and_bad_wildcards_are_located() {
    let library = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(library.path().join("wildcards")).unwrap();
    std::fs::write(library.path().join("wildcards/animal.txt"), "# animals\nfox\nowl\n").unwrap();
    let ran = easel(library.path(), &["--set", "6.text={red|blue} __animal__", "--wildcards", "every"]);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(prompts(library.path()), ["blue fox", "blue owl", "red fox", "red owl"]);

    for (text, expected) in [
        ("6.text=__missing__ fox", "create wildcards/missing.txt"),
        ("6.text={red|blue fox", "character 1: this brace is never closed"),
    ] {
        let empty = tempfile::tempdir().unwrap();
        let refused = easel(empty.path(), &["--set", text]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{text}");
        assert!(stderr.contains("node 6") && stderr.contains("input text") && stderr.contains(expected), "{stderr}");
        assert!(prompts(empty.path()).is_empty(), "nothing ran");
    }
}
