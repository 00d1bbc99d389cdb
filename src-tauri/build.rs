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
            "retry_run",
            "reorder_runs",
            "backend_info",
            "pick_workflow_file",
            "recent_files",
            "notify",
            "library_query",
            "library_count",
            "library_counts",
            "library_facets",
            "library_image",
            "library_set_favourite",
            "library_add_tag",
            "library_remove_tag",
            "library_trash",
            "library_restore",
            "library_empty_trash",
            "library_reveal",
            "library_copy",
            "library_export",
            "library_workflow",
            "library_compare",
            "library_run_again",
            "library_import",
            "settings_get",
            "settings_save",
            "key_status",
            "key_set",
            "key_remove",
            "pick_private_key",
            "pick_library_folder",
            "favourites_list",
            "favourite_save",
            "favourite_rename",
            "favourite_duplicate",
            "favourite_delete",
            "favourite_restore",
            "favourites_export",
            "favourites_import",
            "favourite_run",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
