// The config lives at the repository root, the capabilities under src-tauri/. Declaring the app's
// commands (from the one list, src/commands/list.rs) makes each one need an explicit permission.
// The names of src/commands/list.rs (`module::name` → `name`).
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}
const COMMANDS: &[&str] = include!("src/commands/list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/commands/list.rs");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
