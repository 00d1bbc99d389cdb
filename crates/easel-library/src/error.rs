//! The one error type of this crate. Every variant carries where the problem is (the file, the
//! image id, the database step) so a caller can show it without adding context. Bad PNG files
//! met during an import are not errors of the import: they are counted and reported per file.

use easel_error::ErrorCode;
use std::path::{Path, PathBuf};

/// What went wrong in the library, and where.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// A database step failed (opening, migrating, a query).
    #[error("library index ({step}): {source}")]
    Db {
        /// What the library was doing, e.g. "insert image".
        step: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file could not be read, written, moved or removed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not a PNG Easel can read (bad signature, truncated, undecodable pixels).
    #[error("{}: {reason}", path.display())]
    BadImage {
        /// The file concerned.
        path: PathBuf,
        /// Plain-language explanation.
        reason: String,
    },
    /// No image with this id in the index (or it is in the trash when it should not be).
    #[error("no image {0} in the library")]
    NotFound(i64),
    /// A path or hash read from the index that Easel refuses to act on (it would reach outside
    /// the library, or the index did not write it).
    #[error("the library index names `{path}`, which {reason}; Easel leaves it alone")]
    UnsafePath {
        /// The path or hash as stored.
        path: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// A request the library cannot honour, e.g. a malformed cursor.
    #[error("{0}")]
    Invalid(String),
}

impl LibraryError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        LibraryError::Io { path: path.to_path_buf(), source }
    }

    /// Wraps a decoding problem with the path of the file.
    pub(crate) fn bad(path: &Path, reason: impl Into<String>) -> Self {
        LibraryError::BadImage { path: path.to_path_buf(), reason: reason.into() }
    }

    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            LibraryError::Db { .. } => ErrorCode::Storage,
            LibraryError::Io { .. } => ErrorCode::Io,
            LibraryError::BadImage { .. } => ErrorCode::BadImage,
            LibraryError::NotFound(_) => ErrorCode::NotFound,
            LibraryError::UnsafePath { .. } => ErrorCode::UnsafePath,
            LibraryError::Invalid(_) => ErrorCode::Unknown,
        }
    }
}

/// Adds the database step to a rusqlite result.
pub(crate) trait DbStep<T> {
    /// Tags the error with what the library was doing.
    fn step(self, step: &'static str) -> Result<T, LibraryError>;
}

impl<T> DbStep<T> for Result<T, rusqlite::Error> {
    fn step(self, step: &'static str) -> Result<T, LibraryError> {
        self.map_err(|source| LibraryError::Db { step, source })
    }
}
