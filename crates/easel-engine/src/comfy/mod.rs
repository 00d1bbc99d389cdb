//! Runs on a ComfyUI server: the server (its client and the one websocket every run of this
//! engine listens to) and the run loop that follows a prompt from `/prompt` to its saved
//! images. The rest of a run (validation, uploads, the journal, the queue, saving and indexing
//! images) is the same pipeline as for Tensor.Art. Leaves out pricing: a ComfyUI server runs
//! on the person's own machine and costs no credits.

use std::sync::Arc;

use easel_workflow::Schemas;

use crate::EngineError;

mod follow;
mod hub;
mod save;

pub(crate) use follow::follow;

/// A ComfyUI server as the engine keeps it.
pub struct ComfyBackend {
    pub(crate) comfy: easel_comfy::Comfy,
    pub(crate) hub: hub::Hub,
    /// The bundled core set with the server's own schemas over it, read once.
    schemas: tokio::sync::OnceCell<Arc<Schemas>>,
}

impl ComfyBackend {
    pub(crate) fn new(comfy: easel_comfy::Comfy) -> ComfyBackend {
        ComfyBackend { comfy, hub: hub::Hub::default(), schemas: tokio::sync::OnceCell::new() }
    }
}

impl crate::Engine {
    /// The server's schemas if `server_schemas` has read them already (never a request).
    pub(crate) fn server_schemas_read(&self) -> Option<Arc<Schemas>> {
        match &self.inner.server {
            crate::Backend::ComfyUi(server) => server.schemas.get().cloned(),
            crate::Backend::Tams(_) => None,
        }
    }

    /// The schemas a ComfyUI server's graphs are checked and its forms built with: its own
    /// (custom nodes, its model files in the loaders' lists) over the bundled core set; `None` on
    /// Tensor.Art, which takes the bundled set alone. A value missing from a server list stays a
    /// warning here (a picture is uploaded, and named in the list, only when the run starts);
    /// the server's own refusal, located, is the final word.
    pub async fn server_schemas(&self) -> Result<Option<Arc<Schemas>>, EngineError> {
        let crate::Backend::ComfyUi(server) = &self.inner.server else { return Ok(None) };
        let schemas = server
            .schemas
            .get_or_try_init(|| async {
                let own = server.comfy.object_info().await?;
                Ok::<_, EngineError>(Arc::new(Schemas::bundled().clone().merged(own)))
            })
            .await?;
        Ok(Some(schemas.clone()))
    }
}
