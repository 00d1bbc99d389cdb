//! Template runs: a TAMS workflow template ("AI tool") run by id with its field values, for
//! graphs the service keeps to itself. The service needs every field it exposes, so callers
//! start from `GET /v1/workflows/{id}` (here) and overwrite values; the run itself starts through
//! `Engine::start` like any other. The graph is unknown here, so a template run learns its nodes
//! from the job's own reports and embeds no `prompt` chunk.

use easel_tams::FieldAttr;

use crate::{Engine, EngineError};

impl Engine {
    /// Fetches a template's fields (with their current values) from the service.
    pub async fn template_fields(&self, template_id: &str) -> Result<Vec<FieldAttr>, EngineError> {
        Ok(self.inner.server.tams("a template")?.get_template(template_id).await?.fields)
    }
}
