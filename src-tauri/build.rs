// The config lives at the repository root, the capabilities under src-tauri/. Declaring the app's
// commands here makes each one need an explicit permission in a capability file.
fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "open_default_workflow",
            "open_workflow_file",
            "import_workflow_text",
            "validate_workflow",
            "workflow_form",
            "estimate_credits",
            "run_workflow",
            "cancel_run",
            "backend_info",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
