// The config lives at the repository root, the capabilities under src-tauri/. Declaring the app's
// commands here makes each one need an explicit permission in a capability file.
fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "open_default_workflow",
            "run_workflow",
            "backend_info",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
