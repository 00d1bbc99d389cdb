//! `easel history` and `easel spend` over a library the CLI ran in, and the daily cap stopping
//! `easel run` until `--yes`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::reference_file;

fn easel(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_easel")).args(args).arg("--library").arg(library).output().unwrap()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn history_and_spend_add_up_and_a_daily_cap_stops_the_next_run() {
    let library = tempfile::tempdir().unwrap();
    let reference = reference_file();
    let reference = reference.to_str().unwrap();
    let ran = easel(library.path(), &["run", reference, "--count", "2"]);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));

    let runs = json(&easel(library.path(), &["history", "--json"]));
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r["status"] == "succeeded" && r["credits"] == 2.4 && r["imageCount"] == 1), "{runs:?}");
    let report = json(&easel(library.path(), &["spend", "--json"]));
    let today = report["rows"][0]["charged"].as_f64().unwrap();
    assert!((today - 4.8).abs() < 1e-9, "{report}");
    assert!((report["today"].as_f64().unwrap() - 4.8).abs() < 1e-9);
    let text = easel(library.path(), &["history", "--status", "failed"]);
    assert!(text.status.success() && text.stdout.is_empty(), "no failed runs");

    // 4.8 spent, a cap of 6: the next 2.4 would pass it.
    let capped = easel(library.path(), &["spend", "--daily-cap", "6"]);
    assert!(String::from_utf8_lossy(&capped.stdout).contains("of a 6 cap"));
    let refused = easel(library.path(), &["run", reference]);
    assert_eq!(refused.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("daily") && stderr.contains("cap of 6 credits") && stderr.contains("--yes"), "{stderr}");
    assert_eq!(json(&easel(library.path(), &["history", "--json"])).as_array().unwrap().len(), 2, "nothing recorded");
    let agreed = easel(library.path(), &["run", reference, "--yes"]);
    assert!(agreed.status.success(), "{}", String::from_utf8_lossy(&agreed.stderr));
    assert_eq!(json(&easel(library.path(), &["history", "--json"])).as_array().unwrap().len(), 3);

    let bad = easel(library.path(), &["spend", "--daily-cap", "-3"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = easel(library.path(), &["history", "--since", "last week"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}
