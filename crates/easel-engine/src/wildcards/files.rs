//! Wildcard files: `__styles/light__` is `<library>/wildcards/styles/light.txt`, one option per
//! line (blank lines and `#` comments skipped), and a line may use wildcards itself. Every name a
//! text reaches is loaded and parsed before anything is sent, so a missing file, a bad line or a
//! file that refers to itself is a located error, never a surprise mid-batch. Names cannot leave
//! the folder (no `..`, no absolute paths, symlinks resolved and checked), since a workflow from
//! someone else could otherwise send any file of yours as a prompt.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::expand::Lines;
use super::parse::{parse, Piece};

/// The folder inside a library that holds wildcard files.
pub const WILDCARD_DIR: &str = "wildcards";
/// Bytes one wildcard file may hold.
pub const MAX_WILDCARD_FILE_BYTES: u64 = 1 << 20;
/// Options (lines) one wildcard file may hold.
pub const MAX_WILDCARD_LINES: usize = 10_000;
/// Distinct files one run request may use.
pub const MAX_WILDCARD_FILES: usize = 100;

/// Why a wildcard file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    /// The name as written between the underscores.
    pub name: String,
    /// What is wrong and what to do.
    pub reason: String,
}

/// Loads every file `pieces` names (and every file those name) into `lines`.
pub fn load(library: &Path, pieces: &[Piece], lines: &mut Lines) -> Result<(), FileError> {
    let mut stack = Vec::new();
    load_all(library, pieces, lines, &mut stack)
}

fn load_all(library: &Path, pieces: &[Piece], lines: &mut Lines, stack: &mut Vec<String>) -> Result<(), FileError> {
    for piece in pieces {
        match piece {
            Piece::Text(_) => {}
            Piece::Choice { options, .. } => {
                for option in options {
                    load_all(library, option, lines, stack)?;
                }
            }
            Piece::File(name) => {
                if stack.contains(name) {
                    let chain = stack.join(" → ");
                    return Err(error(name, &format!("refers to itself ({chain} → {name}), which would never end")));
                }
                if lines.contains_key(name) {
                    continue;
                }
                if lines.len() >= MAX_WILDCARD_FILES {
                    return Err(error(name, &format!("more than {MAX_WILDCARD_FILES} wildcard files in one run")));
                }
                let parsed = read(library, name)?;
                stack.push(name.clone());
                for line in &parsed {
                    load_all(library, line, lines, stack)?;
                }
                stack.pop();
                lines.insert(name.clone(), parsed);
            }
        }
    }
    Ok(())
}

fn error(name: &str, reason: &str) -> FileError {
    FileError { name: name.to_string(), reason: reason.to_string() }
}

/// The file a name means, when the name can be one.
fn path_of(library: &Path, name: &str) -> Option<PathBuf> {
    let mut path = library.join(WILDCARD_DIR);
    for part in name.split('/') {
        if part.is_empty() || part.starts_with('.') {
            return None;
        }
        path.push(part);
    }
    path.set_extension("txt");
    Some(path)
}

/// One file's options, parsed.
fn read(library: &Path, name: &str) -> Result<Vec<Vec<Piece>>, FileError> {
    let shown = format!("{WILDCARD_DIR}/{name}.txt");
    let path = path_of(library, name).ok_or_else(|| error(name, "is not a wildcard name (folders and names only)"))?;
    let missing = || error(name, &format!("has no file: create {shown} in the library folder, one option per line"));
    let real = path.canonicalize().map_err(|_| missing())?;
    let root = library.join(WILDCARD_DIR).canonicalize().map_err(|_| missing())?;
    if !real.starts_with(&root) {
        return Err(error(name, &format!("{shown} leads outside the wildcards folder")));
    }
    let file = std::fs::File::open(&real).map_err(|e| error(name, &format!("{shown} cannot be read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_WILDCARD_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(name, &format!("{shown} cannot be read: {e}")))?;
    if bytes.len() as u64 > MAX_WILDCARD_FILE_BYTES {
        return Err(error(name, &format!("{shown} is larger than 1 MiB")));
    }
    let text = String::from_utf8(bytes).map_err(|_| error(name, &format!("{shown} is not UTF-8 text")))?;
    let mut options = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if options.len() >= MAX_WILDCARD_LINES {
            return Err(error(name, &format!("{shown} has more than {MAX_WILDCARD_LINES} options")));
        }
        let pieces = parse(line)
            .map_err(|e| error(name, &format!("{shown} line {}, character {}: {}", number + 1, e.at + 1, e.reason)))?;
        options.push(pieces);
    }
    if options.is_empty() {
        return Err(error(name, &format!("{shown} has no options (every line is blank or a # comment)")));
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(WILDCARD_DIR).join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn loads_nested_files_and_skips_comments() {
        let dir = library(&[
            ("styles/light.txt", "# soft ones\n\nwatercolor\n__colour__ pastel\n"),
            ("colour.txt", "red\nblue"),
        ]);
        let mut lines = Lines::new();
        load(dir.path(), &parse("__styles/light__").unwrap(), &mut lines).unwrap();
        assert_eq!(lines["styles/light"].len(), 2);
        assert_eq!(lines["colour"].len(), 2, "the file a line names is loaded too");
    }

    #[test]
    fn missing_escaping_cyclic_and_bad_files_are_refused() {
        let dir = library(&[
            ("a.txt", "x __b__"),
            ("b.txt", "__a__"),
            ("bad.txt", "fine\n{broken"),
            ("empty.txt", "# none\n"),
        ]);
        let try_load = |text: &str| load(dir.path(), &parse(text).unwrap(), &mut Lines::new()).unwrap_err();
        assert!(try_load("__nope__").reason.contains("create wildcards/nope.txt"));
        assert!(try_load("__a__").reason.contains("a → b → a"), "{}", try_load("__a__").reason);
        assert!(try_load("__bad__").reason.contains("line 2, character 1"), "{}", try_load("__bad__").reason);
        assert!(try_load("__empty__").reason.contains("no options"));
        assert!(path_of(dir.path(), "x/../../etc/passwd").is_none());
        assert!(path_of(dir.path(), "x//y").is_none());
        #[cfg(unix)]
        {
            let outside = dir.path().join("secret.txt");
            std::fs::write(&outside, "my secret").unwrap();
            std::os::unix::fs::symlink(&outside, dir.path().join(WILDCARD_DIR).join("link.txt")).unwrap();
            assert!(try_load("__link__").reason.contains("outside"), "{}", try_load("__link__").reason);
        }
        let big = "x\n".repeat(600_000);
        let dir = library(&[("big.txt", &big)]);
        let err = load(dir.path(), &parse("__big__").unwrap(), &mut Lines::new()).unwrap_err();
        assert!(err.reason.contains("larger than 1 MiB"), "{}", err.reason);
    }
}
