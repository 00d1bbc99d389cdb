//! Reading a workflow file (JSON in any dialect, or a PNG carrying one) from disk, bounded: the
//! size is checked on the open file before anything is read, so a huge file named by a person, a
//! drop or a recent-files list costs nothing. Parsing is `Schemas::import_bytes`'s.

use std::io::Read;
use std::path::Path;

use crate::WorkflowError;

/// The largest workflow file Easel reads: 64 MiB. The largest corpus file is a few MB; a PNG
/// with a workflow is a picture plus text, and the text inside is bounded again by the PNG text
/// budget (`MAX_TEXT_INFLATED_TOTAL`).
pub const MAX_WORKFLOW_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of the workflow file at `path`, refused (located by the path) over the limit.
pub fn read_workflow_file(path: &Path) -> Result<Vec<u8>, WorkflowError> {
    let shown = || path.display().to_string();
    let io = |e: std::io::Error| WorkflowError::Io { path: shown(), reason: e.to_string() };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(WorkflowError::Io { path: shown(), reason: "is not a regular file".into() });
    }
    if meta.len() > MAX_WORKFLOW_FILE_BYTES {
        return Err(WorkflowError::Io {
            path: shown(),
            reason: format!(
                "is {} bytes, over the {MAX_WORKFLOW_FILE_BYTES}-byte limit for workflow files",
                meta.len()
            ),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` also bounds a file that grows while it is read.
    (&mut file).take(MAX_WORKFLOW_FILE_BYTES).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let dir = std::env::temp_dir().join(format!("easel-workflow-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("huge.json");
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: the size is there without the bytes, so the test costs no disk.
        file.set_len(MAX_WORKFLOW_FILE_BYTES + 1).unwrap();
        match read_workflow_file(&path) {
            Err(WorkflowError::Io { path: p, reason }) => {
                assert_eq!(p, path.display().to_string());
                assert!(reason.contains("limit"), "{reason}");
            }
            other => panic!("expected a located refusal, got {other:?}"),
        }
        assert!(matches!(read_workflow_file(&dir), Err(WorkflowError::Io { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
