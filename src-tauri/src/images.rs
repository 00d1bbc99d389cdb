//! The `easel://` URI scheme: `easel://localhost/image/<id>` streams a library image and
//! `easel://localhost/thumb/<id>` its thumbnail (made on first request) to the webview, never
//! base64 over IPC. Ids are the gallery's and never handed out twice (the index keeps an id
//! floor); files are immutable once saved and thumbnails content-addressed, so responses carry a
//! year-long `immutable` cache header. Pictures given to
//! image inputs are served as `/input/<token>` (registered files only), model previews as
//! `/model/<id>`.

use std::path::PathBuf;

use tokio::io::AsyncReadExt;

use easel_library::{ImageId, LibraryError};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Runtime, UriSchemeContext, UriSchemeResponder};

/// The largest file served to the window: the library's own limit for images.
const MAX_SERVED_BYTES: u64 = easel_library::MAX_IMAGE_FILE_BYTES;

pub fn serve<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_string();
    tauri::async_runtime::spawn(async move {
        let response = match resolve(&app, &path).await {
            Ok((file, mime)) => match read_bounded(&file, mime).await {
                Ok(bytes) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, mime)
                    .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
                    .body(bytes),
                Err((status, message)) => text(status, message),
            },
            Err((status, message)) => text(status, message),
        };
        match response {
            Ok(r) => responder.respond(r),
            Err(e) => eprintln!("easel-app: could not build a response for {path}: {e}"),
        }
    });
}

async fn resolve<R: Runtime>(
    app: &tauri::AppHandle<R>,
    path: &str,
) -> Result<(PathBuf, &'static str), (StatusCode, String)> {
    let not_found = || (StatusCode::NOT_FOUND, format!("no such resource: {path}"));
    let (kind, id) = path.trim_start_matches('/').split_once('/').ok_or_else(not_found)?;
    let state = crate::startup::state(app)
        .await
        .ok_or_else(|| (StatusCode::SERVICE_UNAVAILABLE, "the backend is not running".to_string()))?;
    if kind == "model" {
        let engine = &state.backend().engine;
        return match engine.model_preview(id).await {
            Ok(Some(file)) => Ok((file, "application/octet-stream")),
            Ok(None) => Err(not_found()),
            Err(e) => Err((StatusCode::BAD_GATEWAY, e.to_string())),
        };
    }
    if kind == "input" {
        let file = state.inputs.get(id).ok_or_else(not_found)?;
        return Ok((file, "application/octet-stream"));
    }
    let id = ImageId(id.parse::<i64>().map_err(|_| not_found())?);
    let gallery = state.backend().engine.gallery();
    let thumb = match kind {
        "image" => false,
        "thumb" => true,
        _ => return Err(not_found()),
    };
    let found = tauri::async_runtime::spawn_blocking(move || {
        if thumb {
            gallery.thumbnail(id).map(|p| (p, "image/jpeg"))
        } else {
            gallery.image_path(id).map(|p| (p, "image/png"))
        }
    })
    .await
    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    found.map_err(|e| match e {
        LibraryError::NotFound(_) => (StatusCode::NOT_FOUND, e.to_string()),
        other => (StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    })
}

/// Reads a file to serve, after checking its size from the open file (Tauri's scheme responses are
/// whole bodies, so a file is held in memory once while it is sent) and, for library images,
/// that it is a PNG: the index may name a path imported in place, and nothing but a picture is
/// ever handed to the page.
async fn read_bounded(file: &std::path::Path, mime: &str) -> Result<Vec<u8>, (StatusCode, String)> {
    let not_found = |e: std::io::Error| (StatusCode::NOT_FOUND, format!("{}: {e}", file.display()));
    let mut handle = tokio::fs::File::open(file).await.map_err(not_found)?;
    let len = handle.metadata().await.map_err(not_found)?.len();
    if len > MAX_SERVED_BYTES {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{} is {len} bytes, over the {MAX_SERVED_BYTES}-byte limit", file.display()),
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    (&mut handle).take(MAX_SERVED_BYTES).read_to_end(&mut bytes).await.map_err(not_found)?;
    if mime == "image/png" && !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("{} is not a PNG", file.display())));
    }
    Ok(bytes)
}

fn text(status: StatusCode, message: String) -> Result<Response<Vec<u8>>, tauri::http::Error> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.into_bytes())
}
