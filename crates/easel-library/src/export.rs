//! Exporting images out of the library: a byte-for-byte copy that keeps the embedded workflow,
//! or a copy without any text, EXIF or time chunks for sharing without revealing prompts.
//! Pixels are never re-encoded either way. Files are written atomically and never overwrite:
//! a name already taken in the destination gets ` (2)`, ` (3)`...

use std::path::{Path, PathBuf};

use crate::png_file::strip_metadata;
use crate::thumbnail::write_atomic;
use crate::{ImageId, Library, LibraryError};

impl Library {
    /// Copies images into `folder`; with `keep_metadata` false, all metadata chunks are removed.
    /// Returns the new files' paths in the order of `ids`.
    pub fn export(&self, ids: &[ImageId], folder: &Path, keep_metadata: bool) -> Result<Vec<PathBuf>, LibraryError> {
        std::fs::create_dir_all(folder).map_err(|e| LibraryError::io(folder, e))?;
        let mut written = Vec::with_capacity(ids.len());
        for id in ids {
            let source = self.image_path(*id)?;
            let bytes = std::fs::read(&source).map_err(|e| LibraryError::io(&source, e))?;
            let bytes = if keep_metadata { bytes } else { strip_metadata(&bytes, &source)? };
            let name =
                source.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| format!("{id}.png"));
            let dest = free_name(folder, &name);
            write_atomic(&dest, &bytes)?;
            written.push(dest);
        }
        Ok(written)
    }
}

fn free_name(folder: &Path, name: &str) -> PathBuf {
    let first = folder.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "png"));
    (2..).map(|n| folder.join(format!("{stem} ({n}).{ext}"))).find(|p| !p.exists()).unwrap_or(first)
}
