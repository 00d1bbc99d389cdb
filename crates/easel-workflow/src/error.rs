//! The one error type of this crate. Every variant says where the problem is (node id, class,
//! input, subgraph id, PNG chunk) so callers can show a located message without extra context.
//! Stable codes for the UI are left to callers (they map every variant to `invalidWorkflow`).

/// What is wrong with a workflow, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkflowError {
    /// The text is not JSON at all.
    #[error("not valid JSON at line {line}, column {column}: {reason}")]
    Json {
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column of the syntax error.
        column: usize,
        /// The parser's explanation.
        reason: String,
    },
    /// JSON, but no shape Easel recognises.
    #[error("not a workflow: {0}")]
    UnknownFormat(String),
    /// One node (or one of its inputs) is malformed or inconsistent with the graph.
    #[error("node {node_id} ({class_type}){}: {reason}", input.as_ref().map(|i| format!(", input `{i}`")).unwrap_or_default())]
    Node {
        /// The node's id as written in the file.
        node_id: String,
        /// The node's class, or `?` when it has none.
        class_type: String,
        /// The input concerned, when the problem is in one input.
        input: Option<String>,
        /// Plain-language explanation.
        reason: String,
    },
    /// A PNG file is malformed or lacks what is needed.
    #[error("bad PNG: {0}")]
    Png(String),
    /// A problem in a named file (the CLI and app wrap errors with the path).
    #[error("{path}: {error}")]
    InFile {
        /// The file as the user named it.
        path: String,
        /// What is wrong inside it.
        error: Box<WorkflowError>,
    },
    /// The file could not be read at all.
    #[error("{path}: cannot read: {reason}")]
    Io {
        /// The file as the user named it.
        path: String,
        /// The operating system's explanation.
        reason: String,
    },
    /// The links form a loop, so no order of execution exists.
    #[error("the graph has a cycle through nodes {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    /// More of something than Easel accepts (nodes, definitions): refused before the work that
    /// would cost memory or time in proportion to it.
    #[error("too many {what}: {count}, the limit is {limit}")]
    TooLarge {
        /// What was counted, in plain words (`nodes`, `subgraph and group-node definitions`).
        what: &'static str,
        /// How many the input has (or would have).
        count: usize,
        /// The most accepted.
        limit: usize,
    },
    /// A subgraph or group-node definition of an editor file that cannot be expanded: it contains
    /// itself, nests too deep, or its instances would expand past a limit.
    #[error("{kind} `{id}`: {reason}")]
    Definition {
        /// Subgraph or group node.
        kind: DefinitionKind,
        /// The subgraph's id (`definitions.subgraphs[].id`) or the group node's name.
        id: String,
        /// Plain-language explanation, naming the instance node when there is one.
        reason: String,
    },
}

/// The two kinds of container an editor file defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    /// A subgraph, in `definitions.subgraphs`.
    Subgraph,
    /// A legacy group node, in `extra.groupNodes`.
    GroupNode,
}

impl std::fmt::Display for DefinitionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DefinitionKind::Subgraph => "subgraph",
            DefinitionKind::GroupNode => "group node",
        })
    }
}

impl WorkflowError {
    /// This error, located in file `path`.
    pub fn in_file(self, path: impl Into<String>) -> WorkflowError {
        WorkflowError::InFile { path: path.into(), error: Box::new(self) }
    }

    /// Refuses `count` nodes when that is over `MAX_NODES`.
    pub(crate) fn check_node_count(count: usize) -> Result<(), WorkflowError> {
        if count > crate::MAX_NODES {
            return Err(WorkflowError::TooLarge { what: "nodes", count, limit: crate::MAX_NODES });
        }
        Ok(())
    }

    pub(crate) fn node(node_id: &str, class_type: &str, input: Option<&str>, reason: impl Into<String>) -> Self {
        WorkflowError::Node {
            node_id: node_id.to_string(),
            class_type: class_type.to_string(),
            input: input.map(str::to_string),
            reason: reason.into(),
        }
    }
}
