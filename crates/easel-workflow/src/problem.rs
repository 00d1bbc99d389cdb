//! The located findings of validation, shaped for the UI: severity, a stable code the UI can
//! branch on, the node (id, title, class) and input concerned, and a plain message.

use serde::Serialize;
use ts_rs::TS;

use crate::Node;

/// How bad a problem is: errors stop a run, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Severity {
    /// The server would reject the graph.
    Error,
    /// Suspicious or unverifiable, but may run.
    Warning,
}

/// One finding about a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code: danglingLink, badOutputIndex, cycle, missingInput, typeMismatch, outOfRange,
    /// notInList, unknownClass, noOutput, badValue, badWildcard (found by the engine).
    pub code: String,
    /// Node concerned, if any.
    pub node_id: Option<String>,
    /// That node's title (or class when untitled).
    pub node_title: Option<String>,
    /// That node's class.
    pub class_type: Option<String>,
    /// Input concerned, if any.
    pub input: Option<String>,
    /// Plain-language explanation.
    pub message: String,
}

impl Problem {
    /// A problem located at `input` of node `id`.
    pub fn at(
        severity: Severity,
        code: &str,
        id: &str,
        node: &Node,
        input: Option<&str>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity,
            code: code.into(),
            node_id: Some(id.into()),
            node_title: Some(node.display_name().to_string()),
            class_type: Some(node.class_type.clone()),
            input: input.map(str::to_string),
            message: message.into(),
        }
    }

    /// A problem about the whole graph.
    pub fn graph(severity: Severity, code: &str, message: impl Into<String>) -> Problem {
        Problem {
            severity,
            code: code.into(),
            node_id: None,
            node_title: None,
            class_type: None,
            input: None,
            message: message.into(),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}]", self.code)?;
        if let Some(id) = &self.node_id {
            write!(f, " node {id}")?;
            match (&self.node_title, &self.class_type) {
                (Some(t), Some(c)) if t != c => write!(f, " \"{t}\" ({c})")?,
                (_, Some(c)) => write!(f, " ({c})")?,
                _ => {}
            }
        }
        if let Some(input) = &self.input {
            write!(f, ", input `{input}`")?;
        }
        write!(f, ": {}", self.message)
    }
}
