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

/// The bundled core set, shared: what Tensor.Art graphs are checked with.
fn bundled() -> Arc<Schemas> {
    static BUNDLED: std::sync::OnceLock<Arc<Schemas>> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(|| Arc::new(Schemas::bundled().clone())).clone()
}

impl crate::Engine {
    /// The schemas graphs for this backend are checked and their forms built with: on a ComfyUI
    /// server its own (custom nodes, its model files in the loaders' lists) over the bundled
    /// core set, read once; on Tensor.Art the bundled set. A value missing from a server list
    /// stays a warning here (a picture is uploaded, and named in the list, only when the run
    /// starts); the server's own refusal, located, is the final word.
    pub async fn schemas(&self) -> Result<Arc<Schemas>, EngineError> {
        let crate::Backend::ComfyUi(server) = &self.inner.server else { return Ok(bundled()) };
        let schemas = server
            .schemas
            .get_or_try_init(|| async {
                let own = server.comfy.object_info().await?;
                Ok::<_, EngineError>(Arc::new(Schemas::bundled().clone().merged(own)))
            })
            .await?;
        Ok(schemas.clone())
    }

    /// `schemas` without a request: a ComfyUI server's once read, else the bundled set.
    pub fn schemas_known(&self) -> Arc<Schemas> {
        match &self.inner.server {
            crate::Backend::ComfyUi(server) => server.schemas.get().cloned().unwrap_or_else(bundled),
            crate::Backend::Tams(_) => bundled(),
        }
    }
}
