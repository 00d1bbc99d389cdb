//! The desktop's trash on Linux and other freedesktop systems, per the FreeDesktop.org Trash
//! specification: the file goes to `$XDG_DATA_HOME/Trash/files/` (default
//! `~/.local/share/Trash`) and a `.trashinfo` beside it in `info/` records where it came from,
//! so the file manager can restore it. The info file is created first with O_EXCL, which is how
//! the spec reserves a name. Per-volume `$topdir/.Trash` folders are left out: a file on another
//! volume is copied into the home trash instead (slower, equally restorable).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::LibraryError;

/// The home trash folder: `$XDG_DATA_HOME/Trash`, else `$HOME/.local/share/Trash`.
pub fn home_trash() -> Result<PathBuf, LibraryError> {
    let data = std::env::var_os("XDG_DATA_HOME").filter(|v| Path::new(v).is_absolute()).map(PathBuf::from);
    let data = match data {
        Some(d) => d,
        None => {
            let home = std::env::var_os("HOME").ok_or_else(|| LibraryError::Invalid("HOME is not set".into()))?;
            PathBuf::from(home).join(".local/share")
        }
    };
    Ok(data.join("Trash"))
}

/// Moves `file` into the desktop trash folder `trash` (see `home_trash`), recording `original` as
/// where it lived; returns the path it now has inside `Trash/files/`.
pub fn send_to_trash(trash: &Path, file: &Path, original: &Path) -> Result<PathBuf, LibraryError> {
    let (files, info) = (trash.join("files"), trash.join("info"));
    for dir in [&files, &info] {
        std::fs::create_dir_all(dir).map_err(|e| LibraryError::io(dir, e))?;
    }
    let name = original.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "image.png".into());
    let record = format!("[Trash Info]\nPath={}\nDeletionDate={}\n", encode_path(original), deletion_date());
    for attempt in 0..10_000u32 {
        let candidate = numbered(&name, attempt);
        let info_path = info.join(format!("{candidate}.trashinfo"));
        let target = files.join(&candidate);
        if target.exists() {
            continue;
        }
        let mut info_file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&info_path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(LibraryError::io(&info_path, e)),
        };
        let moved = info_file
            .write_all(record.as_bytes())
            .map_err(|e| LibraryError::io(&info_path, e))
            .and_then(|()| move_file(file, &target));
        if let Err(e) = moved {
            // Without the file the record would describe nothing; removing it is best effort.
            let _ = std::fs::remove_file(&info_path);
            return Err(e);
        }
        return Ok(target);
    }
    Err(LibraryError::Invalid(format!("no free name for {name} in {}", files.display())))
}

/// Renames, or copies and removes when the trash is on another volume.
pub(crate) fn move_file(from: &Path, to: &Path) -> Result<(), LibraryError> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            std::fs::copy(from, to).map_err(|e| LibraryError::io(to, e))?;
            std::fs::remove_file(from).map_err(|e| LibraryError::io(from, e))
        }
        Err(e) => Err(LibraryError::io(from, e)),
    }
}

/// `a.png`, then `a.2.png`, `a.3.png`...
fn numbered(name: &str, attempt: u32) -> String {
    if attempt == 0 {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{}.{ext}", attempt + 1),
        _ => format!("{name}.{}", attempt + 1),
    }
}

/// The spec wants the path URL-escaped (RFC 2396): bytes outside the unreserved set become %XX.
fn encode_path(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~/!*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `YYYY-MM-DDThh:mm:ss`. The spec asks for local time; without a time-zone database this is
/// UTC, which file managers show at most a few hours off and which never affects restoring.
fn deletion_date() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
    let (y, m, d) = civil_date(secs);
    let t = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
}

/// Unix seconds to a UTC civil (year, month, day), proleptic Gregorian (Howard Hinnant's
/// civil-from-days): trash dates here, the library's day folders and the CLI's listings.
pub fn civil_date(unix: i64) -> (i64, u32, u32) {
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_names_and_dates() {
        assert_eq!(encode_path(Path::new("/a b/ü.png")), "/a%20b/%C3%BC.png");
        assert_eq!(numbered("a.png", 0), "a.png");
        assert_eq!(numbered("a.png", 1), "a.2.png");
        assert_eq!(civil_date(19_723 * 86_400), (2024, 1, 1));
        assert_eq!(deletion_date().len(), 19);
    }
}
