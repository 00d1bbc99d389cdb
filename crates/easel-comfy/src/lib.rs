//! The ComfyUI server's protocol as a client speaks it (see docs/reference/comfyui-server.md):
//! node schemas from `/object_info`, pictures through `/upload/image`, a graph queued with
//! `/prompt` (its `node_errors` turned into located problems), the `/ws` run events (text and
//! binary preview frames), `/history` and `/view` for results, `/queue` and `/interrupt` to
//! cancel. One `Comfy` per server and client id. It leaves out running a whole job (the engine
//! does that, as it does for Tensor.Art) and the server's user, settings and asset routes.

mod client;
mod error;
mod history;
mod prompt;
mod socket;
mod upload;
mod watch;

pub use client::{Comfy, ComfyConfig, QueueState, MAX_REPLY_BYTES};
pub use error::ComfyError;
pub use history::{HistoryEntry, ImageRef, RunStatus, MAX_IMAGE_BYTES};
pub use prompt::{problems_of, Queued};
pub use socket::{parse_binary, parse_text, Event, PreviewFormat};
pub use upload::MAX_UPLOAD_BYTES;
pub use watch::{Watch, Watched, RECONNECT_ATTEMPTS};
