//! Where runs go: the Tensor.Art service (TAMS, the offline demo being its emulator) or a
//! ComfyUI server. Both take the same graph; they differ in what they can do, which the window
//! asks through `Capabilities` instead of knowing backend kinds: TAMS prices runs and sends
//! model ids and templates, ComfyUI knows its own nodes and model files and streams previews.
//! An enum rather than a trait object: two kinds, each with its own run loop (`run.rs` polls
//! TAMS jobs, `comfy/` follows the websocket), and nothing outside the engine implements one.

use serde::Serialize;
use ts_rs::TS;

use crate::comfy::ComfyBackend;
use crate::EngineError;

/// A backend runs go to.
pub enum Backend {
    Tams(easel_tams::Client),
    ComfyUi(ComfyBackend),
}

/// What a backend can do, for the window to show or hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Capabilities {
    /// Runs cost credits, priced before they run (spend caps and confirmation apply).
    pub credits: bool,
    /// Tensor.Art templates can be run.
    pub templates: bool,
    /// Models are Tensor.Art model ids (model files are mapped to ids first).
    pub model_ids: bool,
    /// The running node's preview pictures arrive live.
    pub previews: bool,
}

impl Backend {
    /// The backend as the journal records it: scheme, host and port only, never a token.
    pub fn label(&self) -> String {
        match self {
            Backend::Tams(client) => client.backend_label(),
            Backend::ComfyUi(comfy) => format!("comfyui+{}", comfy.comfy.label()),
        }
    }

    /// `tams` or `comfyui`, as saved images record it.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Tams(_) => "tams",
            Backend::ComfyUi(_) => "comfyui",
        }
    }

    /// What it can do.
    pub fn capabilities(&self) -> Capabilities {
        match self {
            Backend::Tams(_) => Capabilities { credits: true, templates: true, model_ids: true, previews: false },
            Backend::ComfyUi(_) => Capabilities { credits: false, templates: false, model_ids: false, previews: true },
        }
    }

    /// The TAMS client, for what only the service does.
    pub(crate) fn tams(&self, what: &str) -> Result<&easel_tams::Client, EngineError> {
        match self {
            Backend::Tams(client) => Ok(client),
            Backend::ComfyUi(_) => Err(EngineError::Unsupported(format!("{what} needs the Tensor.Art service"))),
        }
    }
}

impl From<easel_tams::Client> for Backend {
    fn from(client: easel_tams::Client) -> Backend {
        Backend::Tams(client)
    }
}

impl From<easel_comfy::Comfy> for Backend {
    fn from(comfy: easel_comfy::Comfy) -> Backend {
        Backend::ComfyUi(ComfyBackend::new(comfy))
    }
}
