//! The ComfyUI flavour: a stand-in for a ComfyUI server (HTTP + websocket) as described in
//! `docs/reference/comfyui-server.md`, selected with `Flavor::ComfyUi`. Every route is served
//! at `/x` and at `/api/x`, as the server does. Requests pass the HTTP faults of the
//! `FaultSpec` (latency, 503, reset; not the websocket, which has `wsdrop`). It reuses the TAMS
//! flavour's server, limits, planner and renderer. Left out: the origin check and CORS mode,
//! `/upload/mask`, `/free`, `/view_metadata`, userdata/settings, `/api/jobs`, custom nodes.

mod events;
mod info;
mod prompt;
mod queue;
mod render;
mod runner;
mod state;
mod upload;
mod validate;
mod values;
mod view;
mod ws;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use state::Comfy;

use crate::gate::{dropped_connection, stream};
use crate::prng::roll;

/// The whole router of a ComfyUI-flavoured instance, and its worker, started on this runtime.
pub fn start(comfy: Arc<Comfy>) -> Router {
    tokio::spawn(runner::worker(comfy.clone()));
    let routes = routes();
    Router::new()
        .merge(routes.clone())
        .nest("/api", routes)
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(comfy.clone(), faults))
        .with_state(comfy)
}

fn routes() -> Router<Arc<Comfy>> {
    Router::new()
        .route("/object_info", get(info::get_object_info))
        .route("/object_info/{class}", get(info::get_object_info_class))
        .route("/models", get(info::get_models))
        .route("/models/{folder}", get(info::get_model_folder))
        .route("/embeddings", get(info::get_embeddings))
        .route("/extensions", get(info::get_extensions))
        .route("/features", get(info::get_features))
        .route("/system_stats", get(info::get_system_stats))
        .route(
            "/upload/image",
            // The request as a whole is held to the limit (multipart framing included).
            post(upload::upload_image).layer(DefaultBodyLimit::max(upload::MAX_UPLOAD_BYTES)),
        )
        .route("/prompt", get(prompt::get_prompt).post(prompt::post_prompt))
        .route("/queue", get(queue::get_queue).post(queue::post_queue))
        .route("/history", get(queue::get_history).post(queue::post_history))
        .route("/history/{prompt_id}", get(queue::get_history_entry))
        .route("/interrupt", post(queue::post_interrupt))
        .route("/view", get(view::view))
        .route("/ws", get(ws::websocket))
}

/// Latency, 503s and dropped connections on every HTTP request but the websocket upgrade.
async fn faults(State(comfy): State<Arc<Comfy>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/ws" || path == "/api/ws" {
        return next.run(request).await;
    }
    let faults = &comfy.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let n = comfy.next_request();
    if roll(faults.seed, stream::RESET, n) < faults.reset_rate {
        return dropped_connection();
    }
    if roll(faults.seed, stream::UNAVAILABLE, n) < faults.error_rate {
        return (StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable (injected fault)").into_response();
    }
    next.run(request).await
}
