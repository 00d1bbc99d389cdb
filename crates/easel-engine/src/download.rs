//! Saving one result image: stream it (a TAMS signed URL, or a ComfyUI server's `/view`) into a
//! temp file in the library, check that it
//! decodes as a PNG of the announced size, embed the run's metadata (ComfyUI `prompt` plus our
//! `easel` chunk), and rename it into place, so a file at its final path is always complete and
//! valid. Retrying and refreshing expired URLs are the caller's business.

use std::path::{Path, PathBuf};

use easel_workflow::png_with_text;
use tokio::io::AsyncWriteExt;

use crate::progress::ImageOffer;
use crate::EngineError;

/// A verified image in its final place.
#[derive(Debug, Clone)]
pub(crate) struct Downloaded {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
}

/// Where a result's bytes come from.
#[derive(Clone, Copy)]
pub(crate) enum Fetch<'a> {
    Url(&'a easel_tams::Client, &'a str),
    Comfy(&'a easel_comfy::Comfy, &'a easel_comfy::ImageRef),
}

/// Downloads `offer` to `dest`, verifying and embedding `text` chunks; atomic by rename.
pub(crate) async fn save_image(
    fetch: Fetch<'_>,
    offer: &ImageOffer,
    dest: &Path,
    text: Vec<(String, String)>,
) -> Result<Downloaded, EngineError> {
    let dir = dest.parent().ok_or_else(|| EngineError::file(dest, "has no parent folder"))?;
    tokio::fs::create_dir_all(dir).await.map_err(|e| EngineError::file(dir, e))?;
    let temp = dir.join(format!(
        ".{}.{}.part",
        dest.file_name().and_then(|n| n.to_str()).unwrap_or("image"),
        uuid::Uuid::new_v4().simple()
    ));
    let result = fetch_verify_write(fetch, offer, &temp, dest, text).await;
    if result.is_err() {
        // Best effort: a leftover .part file is harmless and never indexed.
        let _ = tokio::fs::remove_file(&temp).await;
    }
    result
}

async fn fetch_verify_write(
    fetch: Fetch<'_>,
    offer: &ImageOffer,
    temp: &Path,
    dest: &Path,
    text: Vec<(String, String)>,
) -> Result<Downloaded, EngineError> {
    let mut file = tokio::fs::File::create(temp).await.map_err(|e| EngineError::file(temp, e))?;
    // A failed write is the library's (a full disk), so it names the file written, as every
    // other write here does, rather than the server the bytes came from.
    match fetch {
        Fetch::Url(client, url) => match client.download(url, &mut file).await {
            Err(easel_tams::TamsError::Write { reason, .. }) => return Err(EngineError::file(temp, reason)),
            other => other?,
        },
        Fetch::Comfy(comfy, image) => match comfy.view(image, &mut file).await {
            Err(easel_comfy::ComfyError::Io { reason, .. }) => return Err(EngineError::file(temp, reason)),
            other => other?,
        },
    };
    file.flush().await.map_err(|e| EngineError::file(temp, e))?;
    drop(file);
    let bytes = tokio::fs::read(temp).await.map_err(|e| EngineError::file(temp, e))?;
    let node_id = offer.node_id.clone();
    let expected = (offer.width, offer.height);
    let (bytes, width, height) =
        tokio::task::spawn_blocking(move || verify_and_embed(&bytes, &node_id, expected, &text))
            .await
            .map_err(|e| EngineError::file(temp, e))??;
    let mut file = tokio::fs::File::create(temp).await.map_err(|e| EngineError::file(temp, e))?;
    file.write_all(&bytes).await.map_err(|e| EngineError::file(temp, e))?;
    file.sync_all().await.map_err(|e| EngineError::file(temp, e))?;
    drop(file);
    tokio::fs::rename(temp, dest).await.map_err(|e| EngineError::file(dest, e))?;
    // The rename itself is durable only once the folder is synced.
    if let Some(dir) = dest.parent() {
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || std::fs::File::open(&dir).and_then(|d| d.sync_all()))
            .await
            .map_err(|e| EngineError::file(dest, e))?
            .map_err(|e| EngineError::file(dest, e))?;
    }
    Ok(Downloaded { path: dest.to_path_buf(), width, height })
}

fn verify_and_embed(
    bytes: &[u8],
    node_id: &str,
    expected: (Option<u32>, Option<u32>),
    text: &[(String, String)],
) -> Result<(Vec<u8>, u32, u32), EngineError> {
    let bad = |reason: String| EngineError::BadImage { node_id: node_id.to_string(), reason };
    let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .map_err(|e| bad(format!("does not decode as PNG ({} bytes): {e}", bytes.len())))?;
    let (width, height) = (image.width(), image.height());
    if expected.0.is_some_and(|w| w != width) || expected.1.is_some_and(|h| h != height) {
        return Err(bad(format!(
            "is {width}x{height}, the service announced {}x{}",
            expected.0.unwrap_or(width),
            expected.1.unwrap_or(height)
        )));
    }
    let entries: Vec<(&str, &str)> = text.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let with_text = png_with_text(bytes, &entries).map_err(|e| bad(e.to_string()))?;
    Ok((with_text, width, height))
}

/// Removes half-written `.part` files a killed process left for `run_id`; they are never
/// indexed, and the resumed run writes fresh ones.
pub(crate) fn remove_stale_parts(library: &Path, run_id: &str, created_at: i64) {
    let probe = image_path(library, run_id, created_at, "x", "x");
    let (Some(dir), Some(name)) = (probe.parent(), probe.file_name().and_then(|n| n.to_str())) else { return };
    let prefix = format!(".{}", name.split('-').next().unwrap_or(name));
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(".part") {
            // Best effort: a .part file that cannot be removed is still never indexed.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `library/YYYY-MM-DD/<run>-<node>-<hash>.png`: stable, so a resumed run rewrites the same path
/// instead of adding a second copy, and unique: the hash covers the full run id and resource id,
/// so two results never share a name (a short suffix of the resource id once made 3 results one
/// file).
pub(crate) fn image_path(library: &Path, run_id: &str, created_at: i64, node_id: &str, resource: &str) -> PathBuf {
    use sha2::Digest;
    let (y, m, d) = easel_library::civil_date(created_at);
    let clean = |s: &str, n: usize| -> String {
        let kept: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        kept[kept.len().saturating_sub(n)..].to_string()
    };
    let node = if node_id.is_empty() { "out".to_string() } else { clean(node_id, 8) };
    let digest = sha2::Sha256::digest(format!("{run_id}\n{node_id}\n{resource}").as_bytes());
    let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    library.join(format!("{y:04}-{m:02}-{d:02}")).join(format!("{}-{node}-{hash}.png", clean(run_id, 8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_names_are_stable() {
        assert_eq!(easel_library::civil_date(0), (1970, 1, 1));
        assert_eq!(easel_library::civil_date(1_705_318_301), (2024, 1, 15));
        assert_eq!(easel_library::civil_date(951_782_400), (2000, 2, 29));
        let p =
            image_path(Path::new("/lib"), "0b3f9c1e-aaaa", 1_705_318_301, "9", "94e1cbc2-871e-44b6-b0ca-79a4f78b38b4");
        assert_eq!(p.parent(), Some(Path::new("/lib/2024-01-15")));
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("9c1eaaaa-9-") && name.ends_with(".png") && name.len() == 27, "{name}");
        let again =
            image_path(Path::new("/lib"), "0b3f9c1e-aaaa", 1_705_318_301, "9", "94e1cbc2-871e-44b6-b0ca-79a4f78b38b4");
        assert_eq!(p, again, "stable across calls");
        // Resource ids that share their last characters still get their own files.
        let a = image_path(Path::new("/lib"), "r", 0, "9", "job-1/000000000001.png");
        let b = image_path(Path::new("/lib"), "r", 0, "9", "job-2/000000000001.png");
        assert_ne!(a, b);
    }
}
