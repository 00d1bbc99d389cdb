//! Files the person offered this session: dropped on the window (seen by Rust in the window's own
//! drag-and-drop event, never taken from the page) or chosen in a file dialog. Commands that read
//! a local path the page names (`use_input_image`, `open_workflow_file`) accept only these, plus
//! the recent-files list Easel itself keeps, so a compromised page cannot make the app read,
//! register or upload any file it likes. Bounded: the newest `MAX_OFFERED` paths are kept.

use easel_error::ErrorCode;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::AppError;

/// How many offered paths are remembered (a drop of a whole folder's files included).
pub const MAX_OFFERED: usize = 1024;

/// The paths offered so far, oldest first.
#[derive(Default)]
pub struct OfferedFiles(Mutex<VecDeque<PathBuf>>);

impl OfferedFiles {
    /// Remembers paths the person dropped or picked.
    pub fn offer(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut offered = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for path in paths {
            offered.retain(|p| *p != path);
            offered.push_back(path);
            while offered.len() > MAX_OFFERED {
                offered.pop_front();
            }
        }
    }

    /// Refuses a path the person never offered, located by the path.
    pub fn check(&self, path: &Path) -> Result<(), AppError> {
        let offered = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if offered.iter().any(|p| p == path) {
            Ok(())
        } else {
            Err(AppError::new(
                ErrorCode::InvalidInput,
                format!("{}: only files dropped on the window or chosen in a dialog can be used", path.display()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_offered_paths_pass_and_the_list_is_bounded() {
        let offered = OfferedFiles::default();
        offered.offer([PathBuf::from("/a.png")]);
        assert!(offered.check(Path::new("/a.png")).is_ok());
        assert!(offered.check(Path::new("/home/u/.ssh/id_ed25519")).is_err());
        offered.offer((0..MAX_OFFERED).map(|i| PathBuf::from(format!("/{i}.png"))));
        assert!(offered.check(Path::new("/a.png")).is_err(), "the oldest path was forgotten");
        assert!(offered.check(Path::new("/0.png")).is_ok());
    }
}
