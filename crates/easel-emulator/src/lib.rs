//! Easel's local stand-in for the Tensor.Art TAMS API: a real HTTP server on 127.0.0.1 that
//! speaks the protocol as documented in `shared/reference/tams-api.md` (JSON conventions, job
//! life cycle, errors, signed result URLs) and renders honest placeholder PNGs. It is the
//! offline demo backend of the app and the peer every test talks to. With `Flavor::ComfyUi` it
//! plays a ComfyUI server instead (`comfy`: HTTP routes, websocket events, validation errors as
//! in `docs/reference/comfyui-server.md`). It does not generate real
//! images, keep anything on disk, or talk to the network beyond its own loopback socket.

mod auth;
mod body;
mod comfy;
mod config;
mod dimensions;
mod download;
mod error;
mod faults;
mod font;
mod gate;
mod image_inputs;
mod job;
mod limit;
mod log;
mod model;
mod pngs;
mod prng;
mod render;
mod routes;
mod rpc;
mod server;
mod sign;
mod stages;
mod state;
mod template;
mod timeline;
mod validate;
mod view;
mod wire;

/// What the journal and saved images record the in-process offline demo as: its port changes at
/// every start, so its URL cannot be the name its unfinished runs are found again by.
pub const DEMO_BACKEND: &str = "offline-demo";

pub use config::{EmulatorConfig, Flavor};
pub use error::EmulatorError;
pub use faults::FaultSpec;
pub use log::LoggedRequest;
pub use server::Emulator;
