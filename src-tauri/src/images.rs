//! The `easel://` URI scheme: `easel://localhost/image/<id>` streams a library image to the
//! webview (never base64 over IPC). Files are immutable once saved, so responses are cached
//! for a year. Thumbnails (`/thumb/<id>`) arrive with the gallery.

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::backend::AppState;

pub fn serve<R: Runtime>(ctx: UriSchemeContext<'_, R>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_string();
    tauri::async_runtime::spawn(async move {
        let response = match image_file(&app, &path) {
            Ok(file) => match tokio::fs::read(&file).await {
                Ok(bytes) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, "image/png")
                    .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
                    .body(bytes),
                Err(e) => text(StatusCode::NOT_FOUND, format!("{}: {e}", file.display())),
            },
            Err((status, message)) => text(status, message),
        };
        match response {
            Ok(r) => responder.respond(r),
            Err(e) => eprintln!("easel-app: could not build a response for {path}: {e}"),
        }
    });
}

fn image_file<R: Runtime>(app: &tauri::AppHandle<R>, path: &str) -> Result<std::path::PathBuf, (StatusCode, String)> {
    let id = path
        .strip_prefix("/image/")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or((StatusCode::NOT_FOUND, format!("no such resource: {path}")))?;
    let state = app.state::<AppState>();
    match state.engine.image_path(id) {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err((StatusCode::NOT_FOUND, format!("no image {id} in the library"))),
        Err(e) => Err((StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    }
}

fn text(status: StatusCode, message: String) -> Result<Response<Vec<u8>>, tauri::http::Error> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.into_bytes())
}
