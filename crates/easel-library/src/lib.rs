//! The gallery index of an Easel library folder: every PNG in it (saved by Easel or imported
//! from ComfyUI, A1111, Fooocus folders) as a row in `<library>/library.sqlite` with full-text
//! search over prompts, models and node classes, thumbnails cached under `.thumbs/`, and the
//! gallery's actions (favourite, tag, trash with undo, export, open or compare the embedded
//! parameters). The index is derived data: it can always be rebuilt from the PNG files. It knows
//! nothing of jobs, HTTP or windows: the engine calls `Library::add_saved`, the app serves
//! `image_path` and `thumbnail` through its URI scheme.

#![warn(missing_docs)]

mod actions;
mod backfill;
mod counts;
mod error;
mod export;
mod foreign;
mod image;
mod import;
mod index;
mod ingest;
mod inside;
mod library;
mod metadata;
mod os_trash;
mod parameters;
mod png_file;
mod pool;
mod query;
pub mod sample;
mod schema;
mod search;
mod thumbnail;
mod trash;

pub use counts::{Facet, LibraryCounts};
pub use error::LibraryError;
pub use image::{ImageDetail, ImageFacts, ImageId, ImageSummary};
pub use import::ImportProgress;
pub use ingest::MAX_IMAGE_FILE_BYTES;
pub use library::{Library, Recovered, INDEX_FILE};
pub use metadata::{MetadataSource, ModelRef};
pub use os_trash::{civil_date, home_trash, send_to_trash};
pub use parameters::{EmbeddedWorkflow, ParamChange, ParamDiff};
pub use query::{ImageFilter, ImageQuery, Page, Sort};
pub use schema::set_wal;
pub use search::fts_query;
pub use thumbnail::{decode_rgb, make_thumbnail, thumbnail_size, MAX_DECODE_BYTES, MAX_DECODE_SIDE, THUMBNAIL_SIZE};
pub use trash::EmptiedTrash;
