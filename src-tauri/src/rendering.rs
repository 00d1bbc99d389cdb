//! Chooses WebKit's painting path before the webview exists (see `easel_settings::rendering`)
//! and keeps the choice for Settings → About. The setting is read straight from the settings
//! file, because the store plugin only loads once Tauri runs, which is too late: WebKit reads
//! the variable when the window's web context starts.

use std::path::{Path, PathBuf};

use easel_settings::{decide, GpuProbe, Rendering, RenderingChoice};

/// Decides and applies the path; call first thing in `run`, before any other thread starts
/// (setting an environment variable is only sound while no thread reads the environment).
pub fn choose(identifier: &str) -> RenderingChoice {
    let setting = config_dir(identifier).map(|dir| saved_setting(&dir.join("settings.json"))).unwrap_or_default();
    let choice = decide(setting, &GpuProbe::this_machine());
    choice.apply();
    eprintln!("easel-app: {}", choice.describe());
    choice
}

/// Tauri's `app_config_dir` on Linux, computed before Tauri runs: `$XDG_CONFIG_HOME` when
/// absolute, else `~/.config`, then the app's identifier.
fn config_dir(identifier: &str) -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let base = xdg.or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join(identifier))
}

/// The `rendering` setting in the store's file, or `auto` when the file, its `settings` entry or
/// the field is missing or unreadable (the store reports a damaged file later, once it loads).
fn saved_setting(file: &Path) -> Rendering {
    /// A settings file larger than this is not read here (the store's own limits apply later).
    const MAX_SETTINGS_BYTES: u64 = 1 << 20;
    use std::io::Read;
    let mut bytes = Vec::new();
    // One bounded read: a file over the limit (or growing past it) is not parsed here.
    let read = std::fs::File::open(file).and_then(|f| f.take(MAX_SETTINGS_BYTES + 1).read_to_end(&mut bytes));
    let small = read.is_ok_and(|n| n as u64 <= MAX_SETTINGS_BYTES);
    small
        .then(|| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .flatten()
        .and_then(|v| serde_json::from_value(v.get("settings")?.get("rendering")?.clone()).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_read_from_the_store_file_and_defaults_to_auto() {
        let dir = std::env::temp_dir().join(format!("easel-rendering-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("settings.json");
        assert_eq!(saved_setting(&file), Rendering::Auto, "no file");
        std::fs::write(&file, r#"{"settings":{"rendering":"software","theme":"dark"},"recentFiles":[]}"#).unwrap();
        assert_eq!(saved_setting(&file), Rendering::Software);
        std::fs::write(&file, r#"{"settings":{"rendering":"sideways"}}"#).unwrap();
        assert_eq!(saved_setting(&file), Rendering::Auto, "an unknown value");
        std::fs::write(&file, b"{torn").unwrap();
        assert_eq!(saved_setting(&file), Rendering::Auto, "a torn file");
        // Valid JSON padded with spaces past the limit: only the limit refuses it.
        let padded = format!(r#"{{"settings":{{"rendering":"software"}}}}{}"#, " ".repeat(2 << 20));
        std::fs::write(&file, padded).unwrap();
        assert_eq!(saved_setting(&file), Rendering::Auto, "a file over the limit is not read");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
