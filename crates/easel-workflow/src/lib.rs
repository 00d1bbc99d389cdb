//! Workflow graphs as Easel understands them: a map of node id -> {classType, inputs}, with links
//! written `["4", 0]`. This crate reads and writes the formats (TAMS params, ComfyUI API), orders
//! nodes, and works out what images a graph will produce. It knows nothing of HTTP, jobs or files;
//! editor-format conversion, PNG metadata and full node schemas grow here later.

mod doc;
mod error;
mod format;
mod graph;
mod order;
mod output;
mod png_text;

pub use doc::{InputDoc, NodeDoc, WorkflowDoc};
pub use error::WorkflowError;
pub use format::{Format, Imported};
pub use graph::{Input, Link, Node, Workflow};
pub use output::{ImagePlan, OUTPUT_CLASSES};
pub use png_text::{png_text_chunks, png_with_text};

/// The owner's reference example (a two-pass SD1.5 job with two LoRAs), as a TAMS request body.
pub const REFERENCE_WORKFLOW: &str = include_str!("../data/reference.json");
