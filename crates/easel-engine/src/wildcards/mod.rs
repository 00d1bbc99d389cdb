//! Wildcards in a graph's text inputs: `{a|b|c}` choices, `__name__` files from the library's
//! `wildcards/` folder, drawn once per run from the run's seeds (the same seeds give the same
//! prompt) or expanded into one run per combination. The pipeline parses every text input and
//! loads every file before anything is uploaded, priced or sent, so syntax errors and missing
//! files are located errors; what a run records and sends is the expanded text. Text inputs are
//! the ones the schemas call STRING (for classes they do not know: inputs named like a prompt),
//! so file names and combo values are never touched. Leaves out template fields.

mod expand;
mod files;
mod parse;

use std::path::Path;

use easel_workflow::{Input, InputType, Schemas, Workflow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::EngineError;
use expand::{Lines, Overflow, Rng};
use parse::Piece;

pub use expand::MAX_EXPANDED_CHARS;
pub use files::{MAX_WILDCARD_FILES, MAX_WILDCARD_FILE_BYTES, MAX_WILDCARD_LINES, WILDCARD_DIR};

/// How a graph's wildcards become runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum WildcardMode {
    /// Each run draws one choice from its seeds.
    #[default]
    Seeded,
    /// Every combination becomes a run (times the batch count).
    Every,
    /// Text is sent exactly as written: a recorded document run again, whose wildcards were
    /// already drawn (and whose literal braces must stay literal).
    Off,
}

/// What a graph's wildcards make, for the form.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WildcardSummary {
    /// The text inputs that use wildcard syntax (empty: none does).
    pub inputs: Vec<WildcardInput>,
    /// Runs `Every` makes per batch count; none when more than one batch may hold.
    pub combinations: Option<u32>,
}

/// A text input that uses wildcard syntax.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WildcardInput {
    /// The node.
    pub node_id: String,
    /// The input.
    pub input: String,
}

/// One text input that holds wildcard syntax.
#[derive(Debug, Clone)]
struct Field {
    node_id: String,
    input: String,
    pieces: Vec<Piece>,
}

/// The wildcard inputs of one graph, parsed, with every file they name loaded.
#[derive(Debug, Clone, Default)]
pub struct Prompts {
    fields: Vec<Field>,
    lines: Lines,
}

impl Prompts {
    /// Parses every text input of `workflow` and loads the files they name from `library`; the
    /// first problem found is the error.
    pub fn parse(workflow: &Workflow, library: &Path) -> Result<Prompts, EngineError> {
        let (prompts, mut problems) = Prompts::read(workflow, library, true);
        match problems.pop() {
            Some(problem) => Err(problem),
            None => Ok(prompts),
        }
    }

    /// What the form shows: the inputs using wildcards and how many combinations they make, or
    /// every problem found, each located at its input.
    pub fn summary(workflow: &Workflow, library: &Path) -> Result<WildcardSummary, Vec<EngineError>> {
        let (prompts, problems) = Prompts::read(workflow, library, false);
        if !problems.is_empty() {
            return Err(problems);
        }
        let total =
            prompts.fields.iter().fold(1u128, |n, f| n.saturating_mul(expand::count(&f.pieces, &prompts.lines)));
        Ok(WildcardSummary {
            inputs: prompts
                .fields
                .iter()
                .map(|f| WildcardInput { node_id: f.node_id.clone(), input: f.input.clone() })
                .collect(),
            combinations: u32::try_from(total).ok().filter(|n| *n <= crate::MAX_BATCH),
        })
    }

    /// The wildcard inputs and their problems (only the first when `first_only`).
    fn read(workflow: &Workflow, library: &Path, first_only: bool) -> (Prompts, Vec<EngineError>) {
        let schemas = Schemas::bundled();
        let mut prompts = Prompts::default();
        let mut problems = Vec::new();
        for (node_id, node) in &workflow.nodes {
            for (input, value) in &node.inputs {
                let Input::Value(Value::String(text)) = value else { continue };
                if !parse::has_syntax(text) || !is_text(schemas, &node.class_type, input) {
                    continue;
                }
                let located = |message: String| EngineError::Input {
                    node_id: node_id.clone(),
                    class_type: node.class_type.clone(),
                    input: input.clone(),
                    message,
                };
                let read = parse::parse(text)
                    .map_err(|e| located(format!("character {}: {}", e.at + 1, e.reason)))
                    .and_then(|pieces| {
                        files::load(library, &pieces, &mut prompts.lines)
                            .map_err(|e| located(format!("wildcard __{}__ {}", e.name, e.reason)))?;
                        Ok(pieces)
                    });
                match read {
                    // A text of escapes only is kept too: what is sent is the unescaped text.
                    Ok(pieces) => prompts.fields.push(Field { node_id: node_id.clone(), input: input.clone(), pieces }),
                    Err(problem) => {
                        problems.push(problem);
                        if first_only {
                            return (prompts, problems);
                        }
                    }
                }
            }
        }
        (prompts, problems)
    }

    /// True when no input uses wildcard syntax.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The text of each wildcard input (in `apply`'s order) drawn from `seed`, mixed with the
    /// input's place so two inputs with the same choices need not agree.
    pub fn draw(&self, workflow: &Workflow, seed: u64) -> Result<Vec<String>, EngineError> {
        self.fields
            .iter()
            .map(|field| {
                let mut rng = Rng::new(seed ^ fnv1a(&format!("{}.{}", field.node_id, field.input)));
                expand::draw(&field.pieces, &self.lines, &mut rng).map_err(|o| self.overflow(workflow, field, o))
            })
            .collect()
    }

    /// Every combination of the wildcard inputs' texts (the first input varies slowest), at
    /// most `limit`.
    pub fn every(&self, workflow: &Workflow, limit: usize) -> Result<Vec<Vec<String>>, EngineError> {
        let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
        for field in &self.fields {
            let texts =
                expand::every(&field.pieces, &self.lines, limit).map_err(|o| self.overflow(workflow, field, o))?;
            if combinations.len().saturating_mul(texts.len()) > limit {
                return Err(self.overflow(workflow, field, Overflow::Combinations(limit)));
            }
            combinations = combinations
                .iter()
                .flat_map(|head| texts.iter().map(move |t| head.iter().cloned().chain([t.clone()]).collect()))
                .collect();
        }
        Ok(combinations)
    }

    /// `workflow` with `texts` (from `draw` or `every`) written into the wildcard inputs.
    pub fn apply(&self, workflow: &mut Workflow, texts: &[String]) {
        for (field, text) in self.fields.iter().zip(texts) {
            if let Some(node) = workflow.nodes.get_mut(&field.node_id) {
                node.inputs.insert(field.input.clone(), Input::Value(Value::String(text.clone())));
            }
        }
    }

    fn overflow(&self, workflow: &Workflow, field: &Field, overflow: Overflow) -> EngineError {
        let class_type = workflow.nodes.get(&field.node_id).map(|n| n.class_type.clone()).unwrap_or_default();
        let message = match overflow {
            Overflow::Length => format!("the wildcards expand past {MAX_EXPANDED_CHARS} characters"),
            Overflow::Combinations(limit) => format!(
                "the wildcards make more than {limit} combinations, more runs than one batch may have: use fewer choices or draw one per run"
            ),
        };
        EngineError::Input { node_id: field.node_id.clone(), class_type, input: field.input.clone(), message }
    }
}

/// Whether `input` of node `node_id` is free text (what wildcards and S/R axes touch).
pub(crate) fn is_text_input(workflow: &Workflow, node_id: &str, input: &str) -> bool {
    workflow.nodes.get(node_id).is_some_and(|n| is_text(Schemas::bundled(), &n.class_type, input))
}

/// Whether `input` of `class_type` is free text.
fn is_text(schemas: &Schemas, class_type: &str, input: &str) -> bool {
    match schemas.get(class_type).and_then(|s| s.input(input)) {
        Some(spec) => spec.kind == InputType::String,
        None => {
            let name = input.to_ascii_lowercase();
            ["text", "prompt", "positive", "negative"].iter().any(|word| name.contains(word))
        }
    }
}

/// FNV-1a: a stable 64-bit hash (std's hasher may change between releases, and a seed's
/// prompt must not).
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
