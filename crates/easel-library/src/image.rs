//! The image records the library hands out: a light `ImageSummary` per gallery cell and a full
//! `ImageDetail` for the side panel, plus `ImageFacts`, what the engine knows about an image it
//! has just saved beyond what the PNG itself says. Reading rows into these types lives here too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{MetadataSource, ModelRef};

/// An image's id in the index. Stable while the index lives; a rebuilt index may renumber, so
/// nothing outside the library should store it for long (the file path is the durable key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export)]
pub struct ImageId(#[ts(type = "number")] pub i64);

impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One gallery cell: enough to draw and sort it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageSummary {
    /// Index id (use it in `easel://thumb/<id>`).
    pub id: ImageId,
    /// Absolute path of the PNG.
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When it was made, Unix milliseconds (file time for images without metadata).
    #[ts(type = "number")]
    pub created_at: i64,
    /// Marked as a favourite.
    pub favourite: bool,
    /// The seed used, when known.
    #[ts(type = "number | null")]
    pub seed: Option<i64>,
    /// The workflow's name, when known.
    pub workflow: Option<String>,
    /// The Easel sweep it belongs to, when it does.
    pub sweep_id: Option<String>,
    /// For a sweep's grid: how many of its cells the gallery holds (the stack behind it).
    pub sweep_cells: Option<u32>,
}

/// Everything the index knows about one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImageDetail {
    /// The gallery fields.
    pub summary: ImageSummary,
    /// SHA-256 of the file, hex; also the thumbnail's cache key.
    pub hash: String,
    /// File size in bytes.
    #[ts(type = "number")]
    pub file_size: u64,
    /// Whose metadata the file carries.
    pub source: MetadataSource,
    /// Easel's run id, for images Easel saved.
    pub run_id: Option<String>,
    /// The service's job id, for images Easel saved.
    pub job_id: Option<String>,
    /// The output node that produced it, when known.
    pub node_id: Option<String>,
    /// Positive prompt text (several prompts joined by newlines).
    pub prompt: String,
    /// Negative prompt text.
    pub negative: String,
    /// Models the graph used.
    pub models: Vec<ModelRef>,
    /// Node classes in the graph.
    pub classes: Vec<String>,
    /// Tags, alphabetical.
    pub tags: Vec<String>,
    /// The backend Easel ran it on (`offline-demo`, a Tensor.Art endpoint, `comfyui+<url>`).
    pub backend: Option<String>,
    /// When it was moved to the library's trash (Unix ms), if it is there.
    #[ts(type = "number | null")]
    pub trashed_at: Option<i64>,
}

/// What the engine knows about an image it just saved, beyond the PNG's own metadata. The PNG
/// stays the source of truth (a rebuilt index reads only files), so the engine should also embed
/// these in its `easel` chunk (`workflow`, `nodeId`, `modelNames`); here they only fill gaps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageFacts {
    /// Easel's run id.
    pub run_id: String,
    /// The service's job id.
    pub job_id: String,
    /// The output node that produced the image.
    pub node_id: Option<String>,
    /// The workflow's name, as the user knows it.
    pub workflow: Option<String>,
    /// When the run started, Unix seconds or milliseconds.
    pub created_at: Option<i64>,
    /// Display names for model identifiers (TAMS model ids have no readable file name).
    pub model_names: BTreeMap<String, String>,
}

/// How many columns `SUMMARY_COLUMNS` holds: queries that select more read them from here on.
pub(crate) const SUMMARY_WIDTH: usize = 10;

/// Columns for `ImageSummary::from_row`, in order; `i` is the images table.
pub(crate) const SUMMARY_COLUMNS: &str = "i.id, i.path, i.width, i.height, i.created_at, i.favourite, i.seed, \
     i.workflow, i.sweep_id, CASE WHEN i.sweep_grid = 1 THEN (SELECT COUNT(*) FROM images c \
     WHERE c.sweep_id = i.sweep_id AND c.sweep_grid = 0 AND c.trashed_at IS NULL) END";

impl ImageSummary {
    /// Reads the `SUMMARY_COLUMNS` of a row; `resolve` turns the stored path into an absolute one.
    pub(crate) fn from_row(row: &rusqlite::Row<'_>, resolve: impl Fn(&str) -> String) -> rusqlite::Result<Self> {
        let path: String = row.get(1)?;
        Ok(ImageSummary {
            id: ImageId(row.get(0)?),
            path: resolve(&path),
            width: row.get(2)?,
            height: row.get(3)?,
            created_at: row.get(4)?,
            favourite: row.get(5)?,
            seed: row.get(6)?,
            workflow: row.get(7)?,
            sweep_id: row.get(8)?,
            sweep_cells: row.get(9)?,
        })
    }
}
