//! Workflow graphs as Easel understands them: a map of node id -> {classType, inputs}, with links
//! written `["4", 0]`. This crate reads every format people bring (TAMS params and request
//! bodies, ComfyUI API and editor files, PNG metadata from ComfyUI, A1111, Fooocus and the
//! Tensor.Art website), writes TAMS params, ComfyUI API JSON, PNG text chunks and edited values
//! back into editor graphs, knows node schemas (bundled core nodes, or object_info from a file),
//! validates graphs against them, lists form fields, orders nodes and works out what images a
//! graph will produce. It knows nothing of HTTP, jobs or files on disk.

mod a1111;
pub mod bitmap_font;
mod doc;
mod editor;
mod error;
mod file;
mod fooocus;
mod form;
mod format;
mod graph;
mod import;
mod lenient;
mod models;
mod order;
mod output;
mod png_import;
mod png_text;
mod problem;
mod schema;
mod tensorart;
mod txt2img;
mod validate;

pub use a1111::parse_a1111;
pub use doc::{InputDoc, NodeDoc, WorkflowDoc};
pub use editor::{
    editor_to_workflow, is_editor_graph, write_back, MAX_EXPANDED_NODES, MAX_EXPANSION_BYTES, MAX_SUBGRAPH_DEFINITIONS,
    MAX_SUBGRAPH_DEPTH,
};
pub use error::{DefinitionKind, WorkflowError};
pub use file::{read_workflow_file, MAX_WORKFLOW_FILE_BYTES};
pub use fooocus::parse_fooocus;
pub use form::{ExposedField, FieldKind, FormField};
pub use format::{Format, Imported};
pub use graph::{Input, Link, Node, Workflow, MAX_NODES};
pub use import::node_from_json;
pub use lenient::parse as parse_json_lenient;
pub use models::{is_model_id, model_fits, parse_model_reference, ModelInput, MODEL_ID_MAX_DIGITS};
pub use output::{ImagePlan, NodePlans, MAX_PLANNED_IMAGES, OUTPUT_CLASSES};
pub use png_text::{
    png_text, png_text_chunks, png_with_text, PngText, SkippedChunk, INFLATED_KEYWORDS, MAX_TEXT_CHUNKS,
    MAX_TEXT_INFLATED_TOTAL,
};
pub use problem::{Problem, Severity};
pub use schema::{InputSpec, InputType, NodeSchema, OutputSpec, Schemas, BUNDLED_OBJECT_INFO};
pub use tensorart::ems_model_id;
pub use txt2img::Txt2Img;
pub use validate::types_match;

/// The owner's reference example (a two-pass SD1.5 job with two LoRAs), as a TAMS request body.
pub const REFERENCE_WORKFLOW: &str = include_str!("../data/reference.json");
