//! Reading one file into a row-to-be: stat it, hash it, read its PNG size and text, extract the
//! metadata. Pure work on one file with no database, so the importer can run it on several
//! threads while a single writer inserts. A file that is not a readable PNG is an error here and
//! a counted skip for the caller.

use std::io::Read;
use std::path::{Component, Path};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use crate::index::NewImage;
use crate::metadata::{extract, to_millis};
use crate::png_file::{read_png, PNG_SIGNATURE};
use crate::{ImageFacts, LibraryError};

/// The largest file the index reads: 256 MiB, the engine's download limit (a generated PNG is
/// a few MB; anything bigger in a library folder is not one of them, and reading it whole to
/// hash and parse would cost its size in memory on every import thread).
pub const MAX_IMAGE_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads `path` (absolute) for indexing in the library rooted at `root`. Size and signature are
/// checked from the open file before it is read whole, so a huge or non-PNG file costs nothing.
pub(crate) fn read_file(root: &Path, path: &Path) -> Result<NewImage, LibraryError> {
    let mut file = std::fs::File::open(path).map_err(|e| LibraryError::io(path, e))?;
    let meta = file.metadata().map_err(|e| LibraryError::io(path, e))?;
    if !meta.is_file() {
        return Err(LibraryError::bad(path, "is not a regular file"));
    }
    if meta.len() > MAX_IMAGE_FILE_BYTES {
        return Err(LibraryError::bad(
            path,
            format!("is {} bytes, over the {MAX_IMAGE_FILE_BYTES}-byte limit for library images", meta.len()),
        ));
    }
    let mut signature = [0u8; 8];
    file.read_exact(&mut signature).map_err(|_| LibraryError::bad(path, "is too short to be a PNG (no signature)"))?;
    if &signature != PNG_SIGNATURE {
        return Err(LibraryError::bad(path, "is not a PNG (bad signature)"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    bytes.extend_from_slice(&signature);
    // `take` keeps a file that grows while it is read within the limit too.
    (&mut file).take(MAX_IMAGE_FILE_BYTES - 8).read_to_end(&mut bytes).map_err(|e| LibraryError::io(path, e))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let info = read_png(&bytes, path)?;
    let extracted = extract(&info);
    Ok(NewImage {
        path: stored_path(root, path),
        hash: hex(&Sha256::digest(&bytes)),
        file_size: bytes.len() as u64,
        modified,
        width: info.width,
        height: info.height,
        created_at: extracted.created_at.unwrap_or(modified),
        node_id: None,
        meta: extracted,
    })
}

/// Fills what the PNG did not say from the engine's facts; the PNG wins where it spoke.
pub(crate) fn apply_facts(image: &mut NewImage, facts: &ImageFacts) {
    let m = &mut image.meta;
    m.run_id.get_or_insert_with(|| facts.run_id.clone());
    m.job_id.get_or_insert_with(|| facts.job_id.clone());
    if m.workflow.is_none() {
        m.workflow.clone_from(&facts.workflow);
    }
    if image.node_id.is_none() {
        image.node_id.clone_from(&facts.node_id);
    }
    if m.created_at.is_none() {
        if let Some(t) = facts.created_at {
            m.created_at = Some(to_millis(t));
            image.created_at = to_millis(t);
        }
    }
    for model in &mut m.models {
        if let Some(name) = facts.model_names.get(&model.ident) {
            model.name.clone_from(name);
        }
    }
    if m.source.is_none() {
        m.source = Some(crate::MetadataSource::Easel);
    }
}

/// The path as stored: relative with `/` inside the library (so the folder can move), else absolute.
pub(crate) fn stored_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.components().all(|c| matches!(c, Component::Normal(_))) => {
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
        }
        _ => path.to_string_lossy().to_string(),
    }
}

/// The absolute path of a stored path.
pub(crate) fn resolve(root: &Path, stored: &str) -> std::path::PathBuf {
    let p = Path::new(stored);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[(b >> 4) as usize] as char, DIGITS[(b & 15) as usize] as char]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_library_are_relative() {
        let root = Path::new("/lib");
        assert_eq!(stored_path(root, Path::new("/lib/2024-01-01/a.png")), "2024-01-01/a.png");
        assert_eq!(stored_path(root, Path::new("/other/a.png")), "/other/a.png");
        assert_eq!(resolve(root, "2024-01-01/a.png"), Path::new("/lib/2024-01-01/a.png"));
        assert_eq!(resolve(root, "/other/a.png"), Path::new("/other/a.png"));
    }

    #[test]
    fn non_png_is_a_located_error() {
        let path = &std::env::var_os("EASEL_SHARED")
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(|| std::path::PathBuf::from("/work/shared"))
            .join("corpus/png/neg_jpeg_with_png_extension.png");
        match read_file(Path::new("/lib"), path) {
            Err(LibraryError::BadImage { path: p, reason }) => {
                assert_eq!(&p, path);
                assert!(reason.contains("signature"));
            }
            other => panic!("expected BadImage, got {other:?}"),
        }
    }
}
