//! Integration tests of easel-library: a real library folder in a temp dir, real SQLite, real
//! PNG files (generated here, and the shared corpus for import).

mod fixtures;

mod actions;
mod add;
mod hostile_index;
mod import;
mod query;
mod thumbnails;
mod trash;
