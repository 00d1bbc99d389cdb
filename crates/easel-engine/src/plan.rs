//! `RunPlan`: everything one run task needs, fixed before it starts, built in one place — from a
//! prepared request (a new run) or from its journal row (a resumed run). A plan is a graph run
//! or a template run; the journal's `kind` column says which, so reading a row back never
//! guesses from the stored JSON.

use easel_tams::FieldAttr;
use easel_workflow::Workflow;
use serde_json::{json, Value};

use crate::request::Upload;
use crate::store::{RunKind, RunRecord};
use crate::{seeds_used, EngineError};

/// One run, ready for its task.
pub(crate) struct RunPlan {
    pub run_id: String,
    pub name: String,
    pub request_id: String,
    pub job_id: Option<String>,
    pub created_at: i64,
    pub work: PlannedWork,
    /// Local files uploaded for it, named in its PNGs' `easel` chunk.
    pub uploads: Vec<Upload>,
    /// Where its events go instead of the engine's sink (`Hooks::events`); none when resumed.
    pub events: Option<crate::EventSink>,
    /// Read back from the journal: a process before this one may have sent it already.
    pub resumed: bool,
}

/// What the run sends.
pub(crate) enum PlannedWork {
    Graph {
        /// Node ids in execution order.
        order: Vec<String>,
        /// The TAMS params map as sent.
        params: Value,
        /// The ComfyUI API graph embedded as `prompt`.
        prompt_chunk: String,
        /// The editor graph embedded as `workflow`, the run's values written into its widgets.
        editor_chunk: Option<String>,
        /// `{nodeId: {input: seed}}` as sent.
        seeds: Value,
    },
    Template {
        template_id: String,
        fields: Vec<FieldAttr>,
    },
}

impl PlannedWork {
    /// The graph work of `workflow` (one run's values, seeds applied).
    pub(crate) fn graph(workflow: &Workflow, editor: Option<&Value>) -> Result<PlannedWork, EngineError> {
        let editor_chunk = editor.map(|editor| {
            let (written, warnings) = easel_workflow::write_back(editor, workflow, easel_workflow::Schemas::bundled());
            for warning in warnings {
                eprintln!("easel: embedding the editor graph: {warning}");
            }
            written.to_string()
        });
        Ok(PlannedWork::Graph {
            order: workflow.execution_order()?,
            params: workflow.to_tams_params(),
            prompt_chunk: workflow.to_comfy_api().to_string(),
            editor_chunk,
            seeds: seeds_used(workflow),
        })
    }

    /// The journal's kind for this work.
    pub(crate) fn kind(&self) -> RunKind {
        match self {
            PlannedWork::Graph { .. } => RunKind::Graph,
            PlannedWork::Template { .. } => RunKind::Template,
        }
    }

    /// The document as stored in the journal's `workflow` column.
    pub(crate) fn stored(&self) -> String {
        match self {
            PlannedWork::Graph { params, .. } => params.to_string(),
            PlannedWork::Template { template_id, fields } => {
                json!({ "templateId": template_id, "fields": fields }).to_string()
            }
        }
    }

    /// Node ids in execution order (unknown for templates: learnt from the job's reports).
    pub(crate) fn order(&self) -> &[String] {
        match self {
            PlannedWork::Graph { order, .. } => order,
            PlannedWork::Template { .. } => &[],
        }
    }

    /// The params map for graph runs; `Null` for templates.
    pub(crate) fn params(&self) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            PlannedWork::Graph { params, .. } => params,
            PlannedWork::Template { .. } => &NULL,
        }
    }
}

impl RunPlan {
    /// The plan of a journal row, for resume. An unreadable row is an error naming the run.
    pub(crate) fn from_record(record: RunRecord) -> Result<RunPlan, EngineError> {
        let (work, uploads) =
            decode_columns(record.kind, &record.workflow, record.editor.as_deref(), record.uploads.as_deref())
                .map_err(|why| {
                    EngineError::Store(format!("run {}: the stored document is unreadable: {why}", record.run_id))
                })?;
        Ok(RunPlan {
            run_id: record.run_id,
            name: record.name,
            request_id: record.request_id,
            job_id: record.job_id,
            created_at: record.created_at,
            work,
            uploads,
            events: None,
            resumed: true,
        })
    }
}

/// The work and uploads of a journal row's columns: the one decoder `from_record` and the fuzz
/// target share. A bad editor or uploads column is dropped (they only decorate the saved PNGs);
/// a bad document is the error.
fn decode_columns(
    kind: RunKind,
    workflow: &str,
    editor: Option<&str>,
    uploads: Option<&str>,
) -> Result<(PlannedWork, Vec<Upload>), String> {
    let work = match kind {
        RunKind::Template => {
            let (template_id, fields) = template_from_stored(workflow).ok_or("not a template run")?;
            PlannedWork::Template { template_id, fields }
        }
        RunKind::Graph => {
            let value: Value = serde_json::from_str(workflow).map_err(|e| e.to_string())?;
            let workflow = Workflow::from_stored_params(value).map_err(|e| e.to_string())?;
            let editor: Option<Value> = editor.and_then(|e| serde_json::from_str(e).ok());
            // The stored editor chunk already holds this run's values.
            let mut work = PlannedWork::graph(&workflow, None).map_err(|e| e.to_string())?;
            if let PlannedWork::Graph { editor_chunk, .. } = &mut work {
                *editor_chunk = editor.map(|e| e.to_string());
            }
            work
        }
    };
    let uploads = uploads.and_then(|u| serde_json::from_str(u).ok()).unwrap_or_default();
    Ok((work, uploads))
}

/// For the journal fuzz target only (`crates/easel-engine/fuzz`): decodes a row's `kind`,
/// `workflow`, `editor` and `uploads` columns exactly as resume does and returns the document
/// as the journal would store it again, with the number of uploads, so a fuzzer can check that
/// a decoded row re-encodes to a fixed point. The `seeds` column is not an input: resume
/// recomputes seeds from the stored graph and never reads it.
#[doc(hidden)]
pub fn decode_row(
    kind: &str,
    workflow: &str,
    editor: Option<&str>,
    uploads: Option<&str>,
) -> Result<(String, usize), String> {
    let (work, uploads) = decode_columns(RunKind::from_column(kind), workflow, editor, uploads)?;
    Ok((work.stored(), uploads.len()))
}

/// Reads a stored template document back.
pub(crate) fn template_from_stored(text: &str) -> Option<(String, Vec<FieldAttr>)> {
    let value: Value = serde_json::from_str(text).ok()?;
    let id = value.get("templateId")?.as_str()?.to_string();
    let fields = serde_json::from_value(value.get("fields")?.clone()).ok()?;
    Some((id, fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoded_row_re_encodes_to_a_fixed_point() {
        // The journal_row fuzz target's first find: extra node keys came back reordered.
        let row = r#"{"1": {"classType": "A", "inpu: {`classType[": "B", "nupits": {"x": ["1", 0]}}}"#;
        let (stored, uploads) = decode_row("graph", row, None, None).unwrap();
        assert_eq!(uploads, 0);
        assert_eq!(decode_row("graph", &stored, None, None).unwrap(), (stored, 0));
        // Bad editor and uploads columns are dropped, never the run.
        let (_, uploads) = decode_row("", row, Some("{not json"), Some("[{")).unwrap();
        assert_eq!(uploads, 0);
        assert!(decode_row("template", row, None, None).unwrap_err().contains("not a template run"));
    }

    #[test]
    fn stored_template_round_trips() {
        let fields = vec![FieldAttr {
            node_id: "27".into(),
            field_name: "text".into(),
            field_value: json!("1 girl"),
            ..FieldAttr::default()
        }];
        let work = PlannedWork::Template { template_id: "676018193025756628".into(), fields: fields.clone() };
        assert_eq!(template_from_stored(&work.stored()), Some(("676018193025756628".to_string(), fields)));
        assert_eq!(template_from_stored(r#"{"3":{"classType":"KSampler","inputs":{}}}"#), None);
    }
}
