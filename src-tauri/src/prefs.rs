//! Settings, recent files, whether the run queue is paused, and favourite workflows, kept in two tauri-plugin-store files in the
//! app's config folder (`settings.json`, `favourites.json`). The store holds them in memory and
//! reads them at start; every change is written by `easel_settings::save_json_file` (temp file +
//! rename, with a `.bak` twin), because the plugin's own save rewrites the file in place.

use easel_error::ErrorCode;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use easel_settings::{Favourite, Favourites, Settings, SettingsError};
use serde_json::Value;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_store::{Store, StoreExt};

use crate::AppError;

/// Recent files remembered.
const RECENT_MAX: usize = 10;

struct Data {
    settings: Settings,
    recent: Vec<String>,
    queue_paused: bool,
    favourites: Favourites,
}

/// The person's preferences, loaded once and saved on every change.
pub struct Prefs {
    settings_file: (Arc<Store<Wry>>, PathBuf),
    favourites_file: (Arc<Store<Wry>>, PathBuf),
    data: Mutex<Data>,
}

impl Prefs {
    /// Loads both files (repairing a torn one from its backup). Damaged entries are reported on
    /// stderr and kept, never dropped.
    pub fn open(app: &AppHandle) -> Result<Prefs, AppError> {
        let dir = app.path().app_config_dir().map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?;
        let settings_file = open_store(app, dir.join("settings.json"))?;
        let favourites_file = open_store(app, dir.join("favourites.json"))?;
        let settings = settings_file
            .0
            .get("settings")
            .map(|v| {
                serde_json::from_value::<Settings>(v).unwrap_or_else(|e| {
                    eprintln!("easel-app: settings.json: unusable settings ({e}); using the defaults");
                    Settings::default()
                })
            })
            .unwrap_or_default();
        let recent = settings_file
            .0
            .get("recentFiles")
            .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
            .unwrap_or_default();
        let queue_paused = settings_file.0.get("queuePaused").and_then(|v| v.as_bool()).unwrap_or(false);
        let items = favourites_file
            .0
            .get("favourites")
            .and_then(|v| serde_json::from_value::<Vec<Favourite>>(v).ok())
            .unwrap_or_default();
        let (favourites, problems) = Favourites::from_items(items);
        for problem in problems {
            eprintln!("easel-app: favourites.json: {problem}");
        }
        Ok(Prefs {
            settings_file,
            favourites_file,
            data: Mutex::new(Data { settings, recent, queue_paused, favourites }),
        })
    }

    /// The saved settings.
    pub fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    /// Saves settings (already validated by the caller).
    pub fn set_settings(&self, settings: Settings) -> Result<(), AppError> {
        let mut data = self.lock();
        save(&self.settings_file, "settings", to_value(&settings)?)?;
        data.settings = settings;
        Ok(())
    }

    /// Recently opened workflow files, newest first.
    pub fn recent(&self) -> Vec<String> {
        self.lock().recent.clone()
    }

    /// Puts `path` first in the recent files.
    pub fn remember(&self, path: &str) -> Result<Vec<String>, AppError> {
        let mut data = self.lock();
        let mut recent = data.recent.clone();
        recent.retain(|p| p != path);
        recent.insert(0, path.to_string());
        recent.truncate(RECENT_MAX);
        save(&self.settings_file, "recentFiles", to_value(&recent)?)?;
        data.recent = recent.clone();
        Ok(recent)
    }

    /// Whether the person paused the run queue (it stays paused across restarts).
    pub fn queue_paused(&self) -> bool {
        self.lock().queue_paused
    }

    /// Records a pause or resume of the run queue.
    pub fn set_queue_paused(&self, paused: bool) -> Result<(), AppError> {
        let mut data = self.lock();
        save(&self.settings_file, "queuePaused", Value::Bool(paused))?;
        data.queue_paused = paused;
        Ok(())
    }

    /// Reads the favourites.
    pub fn favourites<T>(&self, read: impl FnOnce(&Favourites) -> Result<T, SettingsError>) -> Result<T, AppError> {
        Ok(read(&self.lock().favourites)?)
    }

    /// Changes the favourites and saves them; nothing changes when `change` or the save fails.
    pub fn change_favourites<T>(
        &self,
        change: impl FnOnce(&mut Favourites) -> Result<T, SettingsError>,
    ) -> Result<T, AppError> {
        let mut data = self.lock();
        let mut next = data.favourites.clone();
        let out = change(&mut next)?;
        save(&self.favourites_file, "favourites", to_value(next.items())?)?;
        data.favourites = next;
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Data> {
        // Every change is applied to a copy first, so a poisoned lock still holds a whole state.
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn open_store(app: &AppHandle, path: PathBuf) -> Result<(Arc<Store<Wry>>, PathBuf), AppError> {
    match easel_settings::repair_json_file(&path) {
        Ok(Some(note)) => eprintln!("easel-app: {note}"),
        Ok(None) => {}
        Err(e) => return Err(AppError::new(ErrorCode::Io, format!("{}: {e}", path.display()))),
    }
    let store = app
        .store_builder(&path)
        .disable_auto_save()
        .build()
        .map_err(|e| AppError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
    Ok((store, path))
}

/// Writes the store's file with `key` set to `value`, then updates the store: when the write
/// fails, neither the file nor the store (which the plugin saves again on exit) has changed.
fn save((store, path): &(Arc<Store<Wry>>, PathBuf), key: &str, value: Value) -> Result<(), AppError> {
    let mut map: serde_json::Map<String, Value> = store.entries().into_iter().collect();
    map.insert(key.to_string(), value.clone());
    let bytes = serde_json::to_vec_pretty(&map).map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?;
    easel_settings::save_json_file(path, &bytes)
        .map_err(|e| AppError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
    store.set(key, value);
    Ok(())
}

fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))
}
