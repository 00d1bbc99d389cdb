//! The `easel` binary as a process: exit codes, output, and surviving SIGKILL mid-batch.

mod resume;
mod run;

use std::path::{Path, PathBuf};

/// The reference workflow file in the repository.
pub fn reference_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../easel-workflow/data/reference.json")
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}
