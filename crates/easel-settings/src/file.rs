//! Crash-safe JSON files for preferences: every save goes to a temporary file that is synced and
//! renamed over the target, and a `.bak` twin is kept the same way. Whoever else writes the file
//! less carefully (tauri-plugin-store rewrites its stores in place when the app exits), a torn or
//! corrupt file is replaced by the twin on the next start, and the damaged one is kept aside.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` and to `path.bak`, each atomically (temp file + fsync + rename).
pub fn save_json_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically(path, bytes)?;
    write_atomically(&twin(path), bytes)
}

/// Makes sure `path` holds valid JSON before anyone reads it: when it does not parse, the damaged
/// file is moved to `path.corrupt` and the `.bak` twin (if valid) takes its place. Returns what
/// was done, for the log; `None` when nothing was needed.
pub fn repair_json_file(path: &Path) -> std::io::Result<Option<String>> {
    let valid = |p: &Path| fs::read(p).ok().is_some_and(|b| serde_json::from_slice::<serde_json::Value>(&b).is_ok());
    if !path.exists() || valid(path) {
        return Ok(None);
    }
    let aside = path.with_extension("json.corrupt");
    fs::rename(path, &aside)?;
    let backup = twin(path);
    if valid(&backup) {
        write_atomically(path, &fs::read(&backup)?)?;
        return Ok(Some(format!(
            "{} was damaged; restored from {} (damaged copy kept as {})",
            path.display(),
            backup.display(),
            aside.display()
        )));
    }
    Ok(Some(format!("{} was damaged and has no usable backup; kept as {}", path.display(), aside.display())))
}

fn twin(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut temp = tempfile_in(dir, path)?;
    let result = (|| {
        temp.1.write_all(bytes)?;
        temp.1.sync_all()?;
        fs::rename(&temp.0, path)
    })();
    if result.is_err() {
        // The temporary file is ours and useless now; failing to remove it changes nothing.
        let _ = fs::remove_file(&temp.0);
    }
    result
}

fn tempfile_in(dir: &Path, target: &Path) -> std::io::Result<(PathBuf, fs::File)> {
    let stem = target.file_name().and_then(|n| n.to_str()).unwrap_or("prefs");
    let path = dir.join(format!(".{stem}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let file = fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("easel-settings-{}", uuid::Uuid::new_v4().simple()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn saves_both_copies_and_leaves_no_temporary_files() {
        let dir = scratch();
        let path = dir.join("favourites.json");
        save_json_file(&path, b"{\"a\":1}").unwrap();
        save_json_file(&path, b"{\"a\":2}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\":2}");
        assert_eq!(fs::read(dir.join("favourites.json.bak")).unwrap(), b"{\"a\":2}");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_torn_file_is_replaced_by_its_backup_and_kept_aside() {
        let dir = scratch();
        let path = dir.join("settings.json");
        save_json_file(&path, b"{\"theme\":\"dark\"}").unwrap();
        fs::write(&path, b"{\"theme\":\"da").unwrap();
        let note = repair_json_file(&path).unwrap().unwrap();
        assert!(note.contains("restored"), "{note}");
        assert_eq!(fs::read(&path).unwrap(), b"{\"theme\":\"dark\"}");
        assert_eq!(fs::read(dir.join("settings.json.corrupt")).unwrap(), b"{\"theme\":\"da");
        assert_eq!(repair_json_file(&path).unwrap(), None);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn without_a_backup_the_damaged_file_is_still_kept() {
        let dir = scratch();
        let path = dir.join("settings.json");
        fs::write(&path, b"not json").unwrap();
        let note = repair_json_file(&path).unwrap().unwrap();
        assert!(note.contains("no usable backup"), "{note}");
        assert!(!path.exists());
        assert!(dir.join("settings.json.corrupt").exists());
        assert_eq!(repair_json_file(&dir.join("missing.json")).unwrap(), None);
        fs::remove_dir_all(dir).unwrap();
    }
}
