//! What the person chose: the app's settings and their favourite workflows, as plain data with
//! validation and the favourites' JSON import/export. Deliberately storage-free: the app keeps
//! both in tauri-plugin-store files, and the API key is never here (it lives in the keychain).

mod error;
mod favourites;
mod file;
mod rendering;
mod settings;

pub use error::SettingsError;
pub use favourites::{Favourite, FavouriteDraft, FavouriteFile, Favourites};
pub use file::{repair_json_file, save_json_file};
pub use rendering::{
    decide, GpuProbe, Rendering, RenderingChoice, RenderingReason, WEBKIT_NO_COMPOSITING, WEBKIT_NO_DMABUF,
};
pub use settings::{AuthMode, BackendKind, KeyStatus, Language, Region, Settings, Theme, DEFAULT_COMFYUI_URL};
