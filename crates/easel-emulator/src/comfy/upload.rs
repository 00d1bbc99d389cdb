//! `POST /upload/image` (multipart: `image`, `overwrite`, `type`, `subfolder`): files are kept in
//! memory per instance (bounded, see `state`), named as the server names them: a clash with the
//! same bytes returns the existing name, other clashes become `stem (1).ext` unless `overwrite`.
//! Stricter than the server on purpose: the bytes must look like a PNG, JPEG or WebP, and a bad
//! `type` is a 400 (the server fails with 500). Masks (`/upload/mask`) are left out.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::state::{Comfy, FileKey, MAX_UPLOADS_KEPT};

/// Largest upload request accepted (the server's default `--max-upload-size` is 100 MB; Easel
/// uploads a few MB). Larger requests get 413.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;
/// Most `stem (n).ext` names tried before giving up on a free name.
const MAX_RENAMES: u32 = 10_000;

/// The folder types a file can be uploaded to or viewed from.
pub const TYPES: &[&str] = &["input", "temp", "output"];

/// True for PNG, JPEG and WebP bytes, judged by their first bytes.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || (bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
}

/// True for a relative folder that stays inside its base (no `..`, no absolute path).
pub fn safe_subfolder(subfolder: &str) -> bool {
    !subfolder.starts_with('/') && !subfolder.starts_with('\\') && !subfolder.split(['/', '\\']).any(|p| p == "..")
}

fn bad_request(reason: &str) -> Response {
    (StatusCode::BAD_REQUEST, reason.to_string()).into_response()
}

/// `POST /upload/image`.
pub async fn upload_image(State(comfy): State<Arc<Comfy>>, mut multipart: Multipart) -> Response {
    let (mut image, mut overwrite, mut kind, mut subfolder) = (None, false, "input".to_string(), String::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return (e.status(), e.body_text()).into_response(),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return (e.status(), e.body_text()).into_response(),
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "image" => image = Some((file_name.unwrap_or_default(), bytes.to_vec())),
            "overwrite" => overwrite = matches!(text().as_str(), "true" | "1"),
            "type" => kind = text(),
            "subfolder" => subfolder = text(),
            _ => {}
        }
    }
    let Some((file_name, bytes)) = image else { return bad_request("no `image` file part") };
    if file_name.is_empty() || file_name.contains(['/', '\\']) || file_name == ".." || file_name == "." {
        return bad_request("the image part needs a plain file name");
    }
    if !TYPES.contains(&kind.as_str()) {
        return bad_request("type must be input, temp or output");
    }
    if !safe_subfolder(&subfolder) {
        return bad_request("subfolder must stay inside the folder");
    }
    if !is_image(&bytes) {
        return bad_request("the file is not a PNG, JPEG or WebP image");
    }
    let Some(stored) = store(&comfy, &kind, &subfolder, &file_name, bytes, overwrite) else {
        return bad_request("no free file name");
    };
    Json(json!({"name": stored, "subfolder": subfolder, "type": kind})).into_response()
}

/// Stores the bytes under a name the server would pick; returns it.
fn store(
    comfy: &Comfy,
    kind: &str,
    subfolder: &str,
    file_name: &str,
    bytes: Vec<u8>,
    overwrite: bool,
) -> Option<String> {
    let key = |name: &str| -> FileKey { (kind.to_string(), subfolder.to_string(), name.to_string()) };
    let mut books = comfy.books();
    let existing = |books: &super::state::Books, name: &str| {
        books.uploads.iter().find(|(k, _)| *k == key(name)).map(|(_, b)| b.clone())
    };
    let mut name = file_name.to_string();
    if !overwrite {
        if let Some(old) = existing(&books, &name) {
            if Sha256::digest(old.as_slice()) == Sha256::digest(&bytes) {
                return Some(name);
            }
            let (stem, ext) = match file_name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
                _ => (file_name, String::new()),
            };
            name = (1..=MAX_RENAMES)
                .map(|n| format!("{stem} ({n}){ext}"))
                .find(|candidate| existing(&books, candidate).is_none())?;
        }
    }
    Comfy::keep(&mut books.uploads, key(&name), Arc::new(bytes), MAX_UPLOADS_KEPT);
    Some(name)
}

/// The upload a LoadImage value names (`sub/name.png`, optionally ` [input]`, ` [output]` or
/// ` [temp]`), and its bytes if it exists.
pub fn image_for_value(comfy: &Comfy, value: &str) -> Option<Arc<Vec<u8>>> {
    comfy.file(&annotated_key(value, "input")?)
}

/// The file key of an annotated name (`name [output]`), `default` type when not annotated.
pub fn annotated_key(value: &str, default: &str) -> Option<FileKey> {
    let (path, kind) =
        TYPES.iter().find_map(|t| value.strip_suffix(&format!(" [{t}]")).map(|p| (p, *t))).unwrap_or((value, default));
    let (subfolder, name) = path.rsplit_once('/').unwrap_or(("", path));
    (!name.is_empty() && safe_subfolder(subfolder) && name != "..")
        .then(|| (kind.into(), subfolder.into(), name.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_and_names() {
        assert!(is_image(b"\x89PNG\r\n\x1a\nrest") && is_image(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(is_image(b"RIFF\0\0\0\0WEBPVP8 ") && !is_image(b"GIF89a") && !is_image(b""));
        assert_eq!(annotated_key("a/b.png [output]", "input"), Some(("output".into(), "a".into(), "b.png".into())));
        assert_eq!(annotated_key("b.png", "input"), Some(("input".into(), "".into(), "b.png".into())));
        assert_eq!(annotated_key("../b.png", "input"), None);
    }
}
