//! Model files mapped to Tensor.Art model ids, remembered per library. Workflows from ComfyUI
//! name local files (`v1-5-pruned-emaonly.safetensors`) where Tensor.Art takes a model id; a
//! person maps a file once (pasting a model page URL or an id, checked with `GET /v1/models/{id}`
//! for its type) and every later workflow naming that file is sent with the id. Mappings are
//! applied when a run is prepared, so the journal and the PNGs record the ids that were sent;
//! the open document keeps its file names. What it leaves out: the id rules themselves
//! (`easel_workflow::models`) and the storage (`store::mapping`).

use easel_workflow::{is_model_id, model_fits, parse_model_reference, ModelInput, Problem, Schemas, Workflow};
use serde::Serialize;
use ts_rs::TS;

use crate::{Engine, EngineError, MappedRow, ModelInfo, Store};

/// The namespace of Tensor.Art model ids: the service and the offline demo share it.
pub const TENSORART_IDS: &str = "tensorart";

/// Longest model file name a mapping takes.
pub const MAX_MODEL_FILE_CHARS: usize = 1024;

/// A file name mapped to a model id.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelMapping {
    /// The file name workflows write.
    pub file: String,
    /// The model id it is sent as.
    pub model_id: String,
    /// The id's type when it was mapped (`CHECKPOINT`, `LORA`...).
    pub model_type: String,
    /// When it was mapped (Unix seconds).
    #[ts(type = "number")]
    pub mapped_at: i64,
    /// Name, base model and preview, when the cache holds them (never fetched for a listing).
    pub info: Option<ModelInfo>,
}

/// One model input of a graph and how it will be sent.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelUse {
    /// The input and the value the graph holds.
    pub input: ModelInput,
    /// The stored mapping of that value (a file name), when there is one.
    pub mapping: Option<ModelMapping>,
    /// A mapping exists but its model's type does not fit this input.
    pub misfit: bool,
}

impl ModelUse {
    /// An input with the stored mapping of its value (`row`; ignored for a value that is
    /// already an id) and what is known of the mapped model.
    pub fn resolve(input: ModelInput, row: Option<MappedRow>, info: Option<ModelInfo>) -> ModelUse {
        let mapping = row.filter(|_| !input.is_id()).map(|row| ModelMapping {
            file: row.file,
            model_id: row.model_id,
            model_type: row.model_type,
            mapped_at: row.mapped_at,
            info,
        });
        let misfit = mapping.as_ref().is_some_and(|m| !model_fits(&input.kind, &m.model_type));
        ModelUse { input, mapping, misfit }
    }

    /// The id this input is sent with, when it has one.
    pub fn id(&self) -> Option<&str> {
        match &self.mapping {
            Some(m) if !self.misfit => Some(&m.model_id),
            Some(_) => None,
            None => self.input.is_id().then_some(self.input.value.as_str()),
        }
    }

    /// Why this input cannot be sent, when it cannot.
    pub fn problem(&self) -> Option<Problem> {
        match &self.mapping {
            Some(m) if self.misfit => {
                let mut p = self.input.unmapped_problem();
                p.code = "modelMismatch".into();
                p.message = format!(
                    "\"{}\" is mapped to model {} ({}), which does not fit a {} input: map it again",
                    self.input.value, m.model_id, m.model_type, self.input.kind
                );
                Some(p)
            }
            Some(_) => None,
            None => (!self.input.is_id()).then(|| self.input.unmapped_problem()),
        }
    }
}

/// Every model input of `workflow` with the mapping `store` keeps for its file (no model info:
/// `easel check` reads a journal without an engine; `Engine::model_uses` adds the cached info).
pub fn model_uses_in(store: &Store, workflow: &Workflow) -> Result<Vec<ModelUse>, EngineError> {
    let inputs = Schemas::bundled().model_inputs(workflow);
    let mut uses = Vec::with_capacity(inputs.len());
    for input in inputs {
        let row = if input.is_id() { None } else { store.model_mapping(TENSORART_IDS, &input.value)? };
        uses.push(ModelUse::resolve(input, row, None));
    }
    Ok(uses)
}

impl Engine {
    /// Every model input of `workflow` with its stored mapping (no network).
    pub fn model_uses(&self, workflow: &Workflow) -> Result<Vec<ModelUse>, EngineError> {
        let mut uses = self.inner.with_store(|s| model_uses_in(s, workflow))?;
        for mapping in uses.iter_mut().filter_map(|u| u.mapping.as_mut()) {
            mapping.info = self.inner.models.cached(&self.inner, &mapping.model_id);
        }
        Ok(uses)
    }

    /// The located problem of every model input that cannot be sent as it stands.
    pub fn model_problems(&self, workflow: &Workflow) -> Result<Vec<Problem>, EngineError> {
        Ok(self.model_uses(workflow)?.iter().filter_map(ModelUse::problem).collect())
    }

    /// Every stored mapping, with what the model cache knows of each id.
    pub fn model_mappings(&self) -> Result<Vec<ModelMapping>, EngineError> {
        let rows = self.inner.with_store(|s| s.model_mappings(TENSORART_IDS))?;
        Ok(rows.into_iter().map(|row| self.described(row)).collect())
    }

    /// Maps `file` to the model `reference` names (an id or a model page URL), after asking the
    /// service what the model is. With `kind` (the input it is chosen for), a model of a type
    /// that does not fit it is refused.
    pub async fn map_model(
        &self,
        file: &str,
        reference: &str,
        kind: Option<&str>,
    ) -> Result<ModelMapping, EngineError> {
        let file = file.trim();
        if file.is_empty() || file.chars().count() > MAX_MODEL_FILE_CHARS || is_model_id(file) {
            return Err(EngineError::BadModelFile(file.chars().take(80).collect()));
        }
        let id = parse_model_reference(reference)
            .ok_or_else(|| EngineError::BadModelId(reference.trim().chars().take(80).collect()))?;
        let info = self.model_info(&id).await?;
        if let Some(kind) = kind.filter(|k| !model_fits(k, &info.model_type)) {
            return Err(EngineError::ModelMismatch {
                model_id: id,
                name: info.name.clone().unwrap_or_default(),
                model_type: info.model_type.clone(),
                kind: kind.to_string(),
            });
        }
        self.inner.with_store(|s| s.record_mapping(TENSORART_IDS, file, &id, &info.model_type))?;
        let row = self.inner.with_store(|s| s.model_mapping(TENSORART_IDS, file))?;
        row.map(|row| self.described(row)).ok_or_else(|| EngineError::Store("the mapping was not kept".into()))
    }

    /// Forgets the mapping of `file`; true when there was one.
    pub fn unmap_model(&self, file: &str) -> Result<bool, EngineError> {
        self.inner.with_store(|s| s.remove_mapping(TENSORART_IDS, file.trim()))
    }

    /// Sends every model input as an id: `one_off` (file → id, for this run only, checked with
    /// the service like a stored mapping) first, then the stored mappings. Fails on the first
    /// input still holding a file name, or mapped to a model that does not fit it.
    pub(crate) async fn apply_models(
        &self,
        workflow: &mut Workflow,
        one_off: &[(String, String)],
    ) -> Result<(), EngineError> {
        for use_ in self.model_uses(workflow)? {
            let id = match one_off.iter().find(|(file, _)| *file == use_.input.value) {
                Some((_, id)) => {
                    let info = self.model_info(id).await?;
                    if !model_fits(&use_.input.kind, &info.model_type) {
                        return Err(EngineError::ModelMismatch {
                            model_id: id.clone(),
                            name: info.name.unwrap_or_default(),
                            model_type: info.model_type,
                            kind: use_.input.kind.clone(),
                        });
                    }
                    id.clone()
                }
                None => match (use_.id(), use_.problem()) {
                    (Some(id), _) => id.to_string(),
                    (None, Some(problem)) => return Err(EngineError::UnmappedModel(Box::new(problem))),
                    (None, None) => continue,
                },
            };
            if id != use_.input.value {
                if let Some(node) = workflow.nodes.get_mut(&use_.input.node_id) {
                    node.inputs.insert(use_.input.input.clone(), easel_workflow::Input::Value(id.into()));
                }
            }
        }
        Ok(())
    }

    fn described(&self, row: MappedRow) -> ModelMapping {
        let info = self.inner.models.cached(&self.inner, &row.model_id);
        ModelMapping {
            file: row.file,
            model_id: row.model_id,
            model_type: row.model_type,
            mapped_at: row.mapped_at,
            info,
        }
    }
}

/// Whether a workflow runs on Tensor.Art as it stands, for the badges of an opened workflow, a
/// favourite card and a gallery image's "Run again".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Readiness {
    /// Nothing stops a run: no schema error and every model input sent as an id.
    pub ready: bool,
    /// Schema errors other than models (missing inputs, cycles, no output...).
    pub errors: u32,
    /// Model inputs holding a file name with no (fitting) mapping.
    pub unmapped: u32,
    /// Node classes no bundled schema describes: the service may lack them (it says at check).
    pub unknown_classes: Vec<String>,
}

impl Readiness {
    /// From a graph's schema problems and model problems, already found (an inspection has both;
    /// finding them again per edit would validate twice).
    /// `schemas` are the backend's (a ComfyUI server knows its custom nodes).
    pub fn of(
        workflow: &Workflow,
        schemas: &Schemas,
        schema_problems: &[Problem],
        model_problems: &[Problem],
    ) -> Readiness {
        let errors = schema_problems.iter().filter(|p| p.is_error()).count();
        let unmapped = model_problems.len();
        let mut unknown_classes: Vec<String> = workflow
            .nodes
            .values()
            .filter(|n| schemas.get(&n.class_type).is_none())
            .map(|n| n.class_type.clone())
            .collect();
        unknown_classes.sort();
        unknown_classes.dedup();
        Readiness {
            ready: errors == 0 && unmapped == 0,
            errors: u32::try_from(errors).unwrap_or(u32::MAX),
            unmapped: u32::try_from(unmapped).unwrap_or(u32::MAX),
            unknown_classes,
        }
    }
}

impl Engine {
    /// How far `workflow` is from running on this backend (no network).
    pub fn readiness(&self, workflow: &Workflow) -> Result<Readiness, EngineError> {
        // A ComfyUI server's schemas once read (no request here), else the bundled set.
        let schemas = self.schemas_known();
        let schema_problems = schemas.validate(workflow);
        // A backend that loads model files by name has nothing to map.
        let model_problems = if self.capabilities().model_ids { self.model_problems(workflow)? } else { Vec::new() };
        Ok(Readiness::of(workflow, &schemas, &schema_problems, &model_problems))
    }
}
