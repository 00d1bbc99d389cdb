//! Node schemas in the shape of ComfyUI's `GET /object_info`: for each class, its inputs (type,
//! default, min/max/step, combo options, multiline, image upload, seed control) in definition
//! order, and its output types. A bundled set covers the core nodes (written from the facts in
//! the shared reference); more can be loaded from a file or a server's /object_info and merged
//! over it. Classes nobody describes get a schema inferred from their values (see `infer`).
//! Fetching /object_info over HTTP is left to callers.

mod infer;
mod parse;

pub(crate) use infer::value_type;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::WorkflowError;

/// The bundled core-node schemas, in object_info JSON.
pub const BUNDLED_OBJECT_INFO: &str = include_str!("../../data/object_info.json");

/// What kind of value an input takes.
#[derive(Debug, Clone, PartialEq)]
pub enum InputType {
    /// Whole number widget.
    Int,
    /// Decimal number widget.
    Float,
    /// Text widget.
    String,
    /// Toggle widget.
    Boolean,
    /// A choice from `options` (may be empty when the list is a server folder or model ids).
    Combo,
    /// A socket only: the name of the link type (`MODEL`, `CONDITIONING`, `*`...).
    Link(String),
}

impl InputType {
    /// True for inputs that have a widget (and so a place in `widgets_values`).
    pub fn is_widget(&self) -> bool {
        !matches!(self, InputType::Link(_))
    }

    /// The type name as a link carries it (`INT`, `COMBO`, `MODEL`...).
    pub fn link_type(&self) -> &str {
        match self {
            InputType::Int => "INT",
            InputType::Float => "FLOAT",
            InputType::String => "STRING",
            InputType::Boolean => "BOOLEAN",
            InputType::Combo => "COMBO",
            InputType::Link(t) => t,
        }
    }
}

/// One input of a node class.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// Input name, as used in API `inputs`.
    pub name: String,
    /// False for inputs listed under `optional`.
    pub required: bool,
    /// Value or link type.
    pub kind: InputType,
    /// Default value, when the schema gives one.
    pub default: Option<Value>,
    /// Lower bound for numbers.
    pub min: Option<f64>,
    /// Upper bound for numbers.
    pub max: Option<f64>,
    /// Widget increment for numbers.
    pub step: Option<f64>,
    /// Combo choices (empty = open list).
    pub options: Vec<String>,
    /// Text area rather than a one-line field.
    pub multiline: bool,
    /// The combo names an uploaded image (LoadImage).
    pub image_upload: bool,
    /// The frontend adds a seed-control value after this widget in `widgets_values`.
    pub control_after_generate: bool,
    /// A widget type shown only as a socket (no widget, no `widgets_values` slot).
    pub force_input: bool,
    /// The model folder a file-list combo reads (`checkpoints`, `loras`...), when known.
    pub folder: Option<String>,
}

/// One output slot.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// Type carried (`MODEL`, `IMAGE`...).
    pub kind: String,
    /// Display name.
    pub name: String,
}

/// Everything known about one node class.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSchema {
    /// Class key (= API `class_type`).
    pub class_type: String,
    /// Name shown to people.
    pub display_name: String,
    /// Inputs: required in definition order, then optional.
    pub inputs: Vec<InputSpec>,
    /// Output slots.
    pub outputs: Vec<OutputSpec>,
    /// Results are collected from this node (SaveImage, PreviewImage...).
    pub output_node: bool,
    /// Guessed from values because no schema was available.
    pub inferred: bool,
}

impl NodeSchema {
    /// The input called `name`.
    pub fn input(&self, name: &str) -> Option<&InputSpec> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// Inputs that take a `widgets_values` position, in order.
    pub fn widgets(&self) -> impl Iterator<Item = &InputSpec> {
        self.inputs.iter().filter(|i| i.kind.is_widget() && !i.force_input)
    }
}

/// A set of node schemas keyed by class.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    nodes: HashMap<String, NodeSchema>,
    /// True when the set came from a real server (combo lists are then complete, so a value not
    /// in a list is an error rather than a warning).
    pub authoritative: bool,
}

impl Schemas {
    /// The bundled core-node schemas, parsed once.
    pub fn bundled() -> &'static Schemas {
        static BUNDLED: OnceLock<Schemas> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // The bundled file is ours and checked by a unit test; an empty set is the safe fallback.
            Schemas::from_object_info_str(BUNDLED_OBJECT_INFO).unwrap_or_default()
        })
    }

    /// Parses an object_info document (`{class: NodeInfo}`).
    pub fn from_object_info_str(text: &str) -> Result<Schemas, WorkflowError> {
        let value: Value = crate::lenient::parse(text)?;
        Schemas::from_object_info(&value)
    }

    /// Parses a parsed object_info document.
    pub fn from_object_info(value: &Value) -> Result<Schemas, WorkflowError> {
        let Value::Object(map) = value else {
            return Err(WorkflowError::UnknownFormat("object_info must be a JSON object of node classes".into()));
        };
        let mut nodes = HashMap::with_capacity(map.len());
        for (class, info) in map {
            nodes.insert(class.clone(), parse::node_schema(class, info)?);
        }
        Ok(Schemas { nodes, authoritative: false })
    }

    /// This set with `other`'s classes added, replacing ours of the same name.
    pub fn merged(mut self, other: Schemas) -> Schemas {
        self.authoritative |= other.authoritative;
        self.nodes.extend(other.nodes);
        self
    }

    /// The schema of `class_type`, if known.
    pub fn get(&self, class_type: &str) -> Option<&NodeSchema> {
        self.nodes.get(class_type)
    }

    /// Number of classes described.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when no class is described.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The schema of `node`'s class, or one inferred from its values (flagged `inferred`).
    pub fn resolve(&self, node: &crate::Node) -> std::borrow::Cow<'_, NodeSchema> {
        match self.get(&node.class_type) {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(infer::from_node(node)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schemas_parse_and_cover_core_nodes() {
        let all = Schemas::from_object_info_str(BUNDLED_OBJECT_INFO).unwrap();
        assert!(all.len() >= 60, "{}", all.len());
        let ks = all.get("KSampler").unwrap();
        let widgets: Vec<_> = ks.widgets().map(|w| w.name.as_str()).collect();
        assert_eq!(widgets, ["seed", "steps", "cfg", "sampler_name", "scheduler", "denoise"]);
        assert!(ks.input("seed").unwrap().control_after_generate);
        assert_eq!(ks.input("seed").unwrap().max, Some(18446744073709551615.0));
        assert!(ks.input("sampler_name").unwrap().options.contains(&"euler".to_string()));
        assert!(all.get("LoadImage").unwrap().input("image").unwrap().image_upload);
        assert!(all.get("SaveImage").unwrap().output_node);
        assert_eq!(Schemas::bundled().len(), all.len());
    }
}
