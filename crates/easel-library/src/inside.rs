//! Containment: which paths and hashes read back from `library.sqlite` Easel may act on. The index
//! is derived data in a folder people share, sync and hand over, so its rows are input, not
//! truth: a row must never make Easel move, overwrite or delete a file outside the library (a
//! confused deputy). The rules: a relative path has only plain components (no `..`, no root) and
//! its folder, symlinks resolved, is still under the library; an absolute path (a file imported in
//! place) is only ever read, never moved or deleted; a trash path names one file directly in the
//! library's own `.trash` folder, which must be a real folder, not a symlink; a content hash is 64
//! lowercase hex digits. What this leaves out: reading. Serving or decoding an absolute path the
//! index names is allowed (that is what importing in place means), and the reader checks the PNG
//! signature before anything is shown.

use std::path::{Component, Path, PathBuf};

use crate::LibraryError;

/// The library's trash folder, relative to its root.
pub(crate) const TRASH_DIR: &str = ".trash";

/// Where a stored path points, for an action that moves or deletes its file.
pub(crate) enum Place {
    /// Inside the library: Easel may move the file.
    Inside(PathBuf),
    /// Imported in place from elsewhere: Easel reads it but never moves or deletes it.
    Outside(PathBuf),
}

/// True for a SHA-256 in the form the index writes (64 lowercase hex digits).
pub(crate) fn is_content_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Refuses a hash the index did not write, so it can never become a path.
pub(crate) fn content_hash(hash: &str) -> Result<&str, LibraryError> {
    if is_content_hash(hash) {
        Ok(hash)
    } else {
        Err(LibraryError::UnsafePath { path: hash.to_string(), reason: "is not a content hash".into() })
    }
}

/// The absolute path of a stored path, for reading. A relative path with `..` or a root is
/// refused: the index only ever writes plain relative paths.
pub(crate) fn readable(root: &Path, stored: &str) -> Result<PathBuf, LibraryError> {
    let path = Path::new(stored);
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    plain_relative(stored)?;
    Ok(root.join(path))
}

/// Where a stored path points, for moving its file.
pub(crate) fn place(root: &Path, stored: &str) -> Result<Place, LibraryError> {
    let path = Path::new(stored);
    if path.is_absolute() {
        return Ok(Place::Outside(path.to_path_buf()));
    }
    plain_relative(stored)?;
    let full = root.join(path);
    under_root(root, &full, stored)?;
    Ok(Place::Inside(full))
}

/// The absolute path of a stored trash path: one file directly inside `<root>/.trash`.
pub(crate) fn trash_file(root: &Path, stored: &str) -> Result<PathBuf, LibraryError> {
    let refuse = |reason: &str| LibraryError::UnsafePath { path: stored.to_string(), reason: reason.into() };
    let mut parts = Path::new(stored).components();
    let (Some(Component::Normal(dir)), Some(Component::Normal(name)), None) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(refuse("is not a file in the library's .trash folder"));
    };
    if dir != TRASH_DIR {
        return Err(refuse("is not a file in the library's .trash folder"));
    }
    let trash = trash_dir(root)?;
    Ok(trash.join(name))
}

/// `<root>/.trash`, refused when it is a symlink (it would carry moves out of the library).
pub(crate) fn trash_dir(root: &Path) -> Result<PathBuf, LibraryError> {
    let dir = root.join(TRASH_DIR);
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.file_type().is_symlink() || !meta.is_dir() => Err(LibraryError::UnsafePath {
            path: dir.to_string_lossy().to_string(),
            reason: "is not a plain folder inside the library".into(),
        }),
        Ok(_) => Ok(dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(dir),
        Err(e) => Err(LibraryError::io(&dir, e)),
    }
}

fn plain_relative(stored: &str) -> Result<(), LibraryError> {
    if stored.is_empty() || !Path::new(stored).components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(LibraryError::UnsafePath {
            path: stored.to_string(),
            reason: "is not a plain path inside the library".into(),
        });
    }
    Ok(())
}

/// Checks that the nearest existing folder above `full`, symlinks resolved, is under `root`
/// (which is canonical): a symlinked sub-folder must not carry a move elsewhere.
fn under_root(root: &Path, full: &Path, stored: &str) -> Result<(), LibraryError> {
    let mut dir = full.parent();
    while let Some(d) = dir {
        match d.canonicalize() {
            Ok(real) if real.starts_with(root) => return Ok(()),
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => dir = d.parent(),
            Err(e) => return Err(LibraryError::io(d, e)),
        }
    }
    Err(LibraryError::UnsafePath { path: stored.to_string(), reason: "leads outside the library".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_index_written_hashes_pass() {
        assert!(is_content_hash(&"ab".repeat(32)));
        assert!(!is_content_hash(&"AB".repeat(32)));
        assert!(!is_content_hash("../../../../home/u/Pictures/family"));
        assert!(!is_content_hash(&"a".repeat(63)));
    }

    #[test]
    fn relative_paths_with_parents_or_roots_are_refused() {
        let root = Path::new("/lib");
        assert!(readable(root, "2024/a.png").is_ok());
        assert!(readable(root, "/elsewhere/a.png").is_ok());
        for bad in ["../a.png", "2024/../../a.png", "./a.png", ""] {
            assert!(matches!(readable(root, bad), Err(LibraryError::UnsafePath { .. })), "{bad}");
        }
    }

    #[test]
    fn trash_paths_name_one_file_in_the_trash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(trash_file(&root, ".trash/3-a.png").unwrap(), root.join(".trash/3-a.png"));
        for bad in ["a.png", ".trash/../a.png", ".trash/x/a.png", "/etc/passwd", "other/a.png"] {
            assert!(matches!(trash_file(&root, bad), Err(LibraryError::UnsafePath { .. })), "{bad}");
        }
    }

    #[test]
    fn symlinked_folders_do_not_carry_moves_out() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join(TRASH_DIR)).unwrap();
        assert!(matches!(place(&root, "linked/a.png"), Err(LibraryError::UnsafePath { .. })));
        assert!(matches!(place(&root, "new-folder/a.png"), Ok(Place::Inside(_))));
        assert!(matches!(place(&root, "/elsewhere/a.png"), Ok(Place::Outside(_))));
        assert!(matches!(trash_file(&root, ".trash/1-a.png"), Err(LibraryError::UnsafePath { .. })));
    }
}
