//! End-to-end journeys on the real desktop app: the `easel-app` binary in a WebKitGTK window
//! under Xvfb, driven through `tauri-driver` and WebKitWebDriver, against the in-process offline
//! emulator. Each journey saves a screenshot under target/e2e/. `make test` provides the display
//! (xvfb-run), the session bus and tauri-driver; run the suite through it.

mod chinese;
mod comfyui;
mod custom_backend;
mod damaged_library;
mod driver;
mod favourites;
mod gallery;
mod generate;
mod history;
mod img2img;
mod journeys;
mod open_and_cancel;
mod settings_key;
mod sweep;
mod theme;
