// The desktop binary `easel-app`; everything is in the library so tests can reach it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    easel_app::run();
}
