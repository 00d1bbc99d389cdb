//! The embedded parameters of an image, read back from its file (the file is the truth, the
//! index only a summary): the graph for "open this workflow", and a comparison of two images'
//! node inputs, so a person can see what changed between two results (seed, steps, a prompt).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::metadata::{extract, Extracted};
use crate::png_file::{read_png, PngInfo};
use crate::{ImageId, Library, LibraryError, MetadataSource};

/// The workflow an image carries, in every form found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmbeddedWorkflow {
    /// Whose metadata it is.
    pub source: MetadataSource,
    /// The ComfyUI API graph (`prompt` chunk), ready for `Workflow::from_json`.
    #[ts(type = "Record<string, unknown> | null")]
    pub api: Option<Value>,
    /// The ComfyUI editor graph (`workflow` chunk), with layout.
    #[ts(type = "Record<string, unknown> | null")]
    pub editor: Option<Value>,
    /// A1111 or Fooocus `parameters` text, for tools without a graph.
    pub parameters: Option<String>,
}

/// One input that differs between two images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ParamChange {
    /// The node, as `<id> <class>` (or `parameters` for A1111 text).
    pub node: String,
    /// The input's name.
    pub input: String,
    /// Its value in the first image; none when absent there.
    #[ts(type = "unknown")]
    pub left: Option<Value>,
    /// Its value in the second image; none when absent there.
    #[ts(type = "unknown")]
    pub right: Option<Value>,
}

/// The differences between the parameters of two images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ParamDiff {
    /// Inputs that differ, by node then input name.
    pub changes: Vec<ParamChange>,
    /// How many inputs are equal in both.
    pub unchanged: u32,
}

impl Library {
    /// The workflow embedded in an image's file.
    pub fn workflow(&self, id: ImageId) -> Result<EmbeddedWorkflow, LibraryError> {
        let (info, meta) = self.read_metadata(id)?;
        let json = |key: &str| info.text(key).and_then(|t| serde_json::from_str::<Value>(t).ok());
        Ok(EmbeddedWorkflow {
            source: meta.source.unwrap_or(MetadataSource::None),
            api: json("prompt"),
            editor: json("workflow"),
            parameters: info.text("parameters").map(str::to_string),
        })
    }

    /// Compares the node inputs of two images.
    pub fn compare(&self, left: ImageId, right: ImageId) -> Result<ParamDiff, LibraryError> {
        let (_, a) = self.read_metadata(left)?;
        let (_, b) = self.read_metadata(right)?;
        Ok(diff(&a, &b))
    }

    fn read_metadata(&self, id: ImageId) -> Result<(PngInfo, Extracted), LibraryError> {
        let path = self.image_path(id)?;
        let bytes = std::fs::read(&path).map_err(|e| LibraryError::io(&path, e))?;
        let info = read_png(&bytes, &path)?;
        let meta = extract(&info);
        Ok((info, meta))
    }
}

fn diff(a: &Extracted, b: &Extracted) -> ParamDiff {
    let mut out = ParamDiff { changes: Vec::new(), unchanged: 0 };
    let nodes: BTreeSet<&String> = a.params.keys().chain(b.params.keys()).collect();
    let empty = Default::default();
    for node in nodes {
        let (left, right) = (a.params.get(node).unwrap_or(&empty), b.params.get(node).unwrap_or(&empty));
        let inputs: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
        for input in inputs {
            let (l, r) = (left.get(input), right.get(input));
            if l == r {
                out.unchanged += 1;
            } else {
                out.changes.push(ParamChange {
                    node: node.clone(),
                    input: input.clone(),
                    left: l.cloned(),
                    right: r.cloned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_changed_added_and_removed_inputs() {
        let mut a = Extracted::default();
        let mut b = Extracted::default();
        a.params.insert("3 KSampler".into(), [("seed".into(), json!(1)), ("steps".into(), json!(20))].into());
        b.params.insert("3 KSampler".into(), [("seed".into(), json!(2)), ("steps".into(), json!(20))].into());
        b.params.insert("9 SaveImage".into(), [("filename_prefix".into(), json!("x"))].into());
        let d = diff(&a, &b);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.changes.len(), 2);
        assert_eq!((d.changes[0].left.clone(), d.changes[0].right.clone()), (Some(json!(1)), Some(json!(2))));
        assert_eq!(d.changes[1].left, None);
    }
}
