//! Local pictures into service resources, safely and once. An image input's value is one of: an
//! http(s) URL (sent as it is), a resource id (sent as it is), or something that looks like a
//! local path. A local path is uploaded only when the front door allows that file
//! (`LocalFiles`), only after its first bytes prove it a PNG, JPEG or WebP within the limits,
//! and only once per backend: uploads are content-addressed (SHA-256) in the journal, so the
//! same bytes reuse their resource id for `UPLOAD_REUSE` and a retry or a resume, which send the
//! stored document, never upload again. Anything else that looks like a path is a located error
//! before anything is sent.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use easel_tams::FieldAttr;
use easel_workflow::{Input, Workflow};
use serde_json::Value;
use sha2::Digest;

use crate::request::{Hooks, LocalFiles, Upload};
use crate::{input_image, Engine, EngineError};

/// Node classes whose `image` input names an uploaded resource.
pub(crate) const IMAGE_LOADERS: &[&str] = &["LoadImage", "LoadImageMask", "TensorArt_LoadImage"];

/// How long an uploaded resource id is reused for the same bytes. The service keeps short-term
/// uploads 7 days (`term` 1, which is presumably the default); six leaves a day of margin for a
/// run that waits in the queue.
pub const UPLOAD_REUSE: std::time::Duration = std::time::Duration::from_secs(6 * 24 * 3600);

/// What an image input's value is.
#[derive(Debug, PartialEq)]
enum ImageValue {
    Remote,
    Resource,
    Local(PathBuf),
}

/// `server_files`: the backend (a ComfyUI server) loads a bare file name (`warrior.png`) from its
/// own input folder, so such a name is its resource, not a local path.
fn classify(value: &str, server_files: bool) -> ImageValue {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return ImageValue::Remote;
    }
    if let Some(rest) = value.strip_prefix("file://") {
        return ImageValue::Local(PathBuf::from(rest));
    }
    let bytes = value.as_bytes();
    let drive = bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let picture_name =
        [".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"].iter().any(|ext| lower.ends_with(ext));
    let in_a_folder = value.contains('/') || value.contains('\\') || value.starts_with('~') || drive;
    if in_a_folder || (picture_name && !server_files) {
        return ImageValue::Local(PathBuf::from(value));
    }
    ImageValue::Resource
}

impl Engine {
    /// Uploads the local files the graph's image loaders name (as `local` allows) and puts the
    /// resource ids in their place.
    pub(crate) async fn upload_graph_images(
        &self,
        workflow: &mut Workflow,
        local: &LocalFiles,
        hooks: &Hooks<'_>,
    ) -> Result<Vec<Upload>, EngineError> {
        let mut wanted = Vec::new();
        for (id, node) in &workflow.nodes {
            if !IMAGE_LOADERS.contains(&node.class_type.as_str()) {
                continue;
            }
            let Some(Input::Value(Value::String(value))) = node.inputs.get("image") else { continue };
            let server_files = matches!(self.inner.server, crate::Backend::ComfyUi(_));
            let ImageValue::Local(path) = classify(value, server_files) else { continue };
            let located = |message: String| EngineError::Input {
                node_id: id.clone(),
                class_type: node.class_type.clone(),
                input: "image".into(),
                message,
            };
            let path = std::path::absolute(&path).unwrap_or(path);
            if !local.allows(&path) {
                return Err(located(match local {
                    LocalFiles::None => format!("\"{value}\" is a local file, not an uploaded picture; open the workflow and pick the image again"),
                    _ => format!("\"{value}\" names a file that was not picked for this run; pick the image in the form"),
                }));
            }
            if !path.is_file() {
                return Err(located(format!("\"{}\" does not exist or is not a file", path.display())));
            }
            wanted.push((id.clone(), node.class_type.clone(), path));
        }
        let mut uploads = Vec::new();
        for (node_id, class_type, path) in wanted {
            let upload = self
                .upload_file(&path, Place { node_id: &node_id, class_type: &class_type, input: "image" }, hooks)
                .await?;
            workflow.set_value(&node_id, "image", Value::String(upload.resource.clone()))?;
            uploads.push(upload);
        }
        Ok(uploads)
    }

    /// Uploads the template fields whose value is a file the front door picked. Other values,
    /// whatever they look like, came from the service or the person as text and are sent as
    /// they are.
    pub(crate) async fn upload_template_images(
        &self,
        fields: &mut [FieldAttr],
        local: &LocalFiles,
        hooks: &Hooks<'_>,
    ) -> Result<Vec<Upload>, EngineError> {
        let LocalFiles::Picked(picked) = local else { return Ok(Vec::new()) };
        let mut uploads = Vec::new();
        for field in fields.iter_mut() {
            let Some(value) = field.field_value.as_str() else { continue };
            let ImageValue::Local(path) = classify(value, false) else { continue };
            let path = std::path::absolute(&path).unwrap_or(path);
            if !picked.contains(&path) {
                continue;
            }
            let class_type = field.node_name.clone().unwrap_or_default();
            let place = Place { node_id: &field.node_id, class_type: &class_type, input: &field.field_name };
            let upload = self.upload_file(&path, place, hooks).await?;
            field.field_value = Value::String(upload.resource.clone());
            uploads.push(upload);
        }
        Ok(uploads)
    }

    /// Reads, checks and uploads one picture for the input at `place`, or finds the same bytes
    /// already uploaded to this backend. A file that cannot be used is an error at that input.
    async fn upload_file(&self, path: &Path, place: Place<'_>, hooks: &Hooks<'_>) -> Result<Upload, EngineError> {
        let at_input = |e: EngineError| match e {
            EngineError::File { reason, .. } => EngineError::Input {
                node_id: place.node_id.to_string(),
                class_type: place.class_type.to_string(),
                input: place.input.to_string(),
                message: format!("{}: {reason}", path.display()),
            },
            other => other,
        };
        let backend = self.inner.backend.clone();
        let fresh_after = crate::store::unix_now() - UPLOAD_REUSE.as_secs() as i64;
        let upload = |sha256: String, resource: String, reused: bool| Upload {
            node_id: place.node_id.to_string(),
            input: place.input.to_string(),
            file: path.display().to_string(),
            sha256,
            resource,
            reused,
        };
        // The form's live estimate prepares the document on every edit: a file already read and
        // unchanged since (same size and modification time) is not read and hashed again.
        let stamp = file_stamp(path);
        if let Some(sha256) = stamp.as_ref().and_then(|stamp| self.inner.digests.get(path, stamp)) {
            if let Some(resource) = self.inner.with_store(|s| s.uploaded(&backend, &sha256, fresh_after))? {
                return Ok(upload(sha256, resource, true));
            }
        }
        let owned = path.to_path_buf();
        let (info, bytes) = tokio::task::spawn_blocking(move || input_image::read_input_image(&owned))
            .await
            .map_err(|e| EngineError::file(path, e))
            .and_then(|read| read)
            .map_err(at_input)?;
        let sha256: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if let Some(stamp) = stamp {
            self.inner.digests.put(path, stamp, &sha256);
        }
        // One upload of these bytes at a time: another preparation of the same picture may be
        // between its look for this digest and its record; waiting here, this one then finds
        // that record. The turn is given back when this returns, or when it is dropped mid-way.
        let _turn = self.inner.uploading.take(&sha256).await;
        if let Some(resource) = self.inner.with_store(|s| s.uploaded(&backend, &sha256, fresh_after))? {
            return Ok(upload(sha256, resource, true));
        }
        (hooks.uploading)(path);
        let content_type = format!("image/{}", info.format);
        let size = bytes.len();
        let resource = match &self.inner.server {
            crate::Backend::Tams(client) => client.upload_image(bytes, Some(&content_type)).await?.to_string(),
            // Named by content, so the same picture never piles up copies on the server.
            crate::Backend::ComfyUi(server) => {
                let name = format!("easel-{}.{}", &sha256[..16], info.format);
                server.comfy.upload_image(bytes, &name, &content_type).await?
            }
        };
        self.inner.with_store(|s| s.record_upload(&backend, &sha256, &resource, size))?;
        Ok(upload(sha256, resource, false))
    }
}

/// The upload turns by digest. An entry lives while some preparation holds or waits for it:
/// the last to leave removes it, so the map never outgrows the uploads under way.
#[derive(Debug, Default)]
pub(crate) struct Turns(std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

/// A held turn; dropping it gives the turn back.
struct Turn<'a> {
    turns: &'a Turns,
    sha256: String,
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Turns {
    /// Waits for, and takes, the turn of `sha256` (made if none is under way).
    async fn take(&self, sha256: &str) -> Turn<'_> {
        let lock = {
            // Entries are inserted and removed whole, so a poisoned map is still consistent.
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(sha256.to_string()).or_default().clone()
        };
        Turn { turns: self, sha256: sha256.to_string(), held: Some(lock.lock_owned().await) }
    }
}

impl Drop for Turn<'_> {
    /// Removal after the upload was recorded is safe: a preparation that comes later makes a
    /// fresh turn and finds the record.
    fn drop(&mut self) {
        let mut map = self.turns.0.lock().unwrap_or_else(|p| p.into_inner());
        self.held = None;
        if map.get(&self.sha256).is_some_and(|t| Arc::strong_count(t) == 1) {
            map.remove(&self.sha256);
        }
    }
}

/// The input a local file was named by, for located errors and the run's upload record.
#[derive(Clone, Copy)]
struct Place<'a> {
    node_id: &'a str,
    class_type: &'a str,
    input: &'a str,
}

/// What identifies a file's content cheaply: its size and modification time.
type Stamp = (u64, std::time::SystemTime);

fn file_stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// SHA-256 of local files already read this session, by path and stamp.
#[derive(Debug, Default)]
pub(crate) struct Digests(std::sync::Mutex<std::collections::HashMap<PathBuf, (Stamp, String)>>);

impl Digests {
    fn get(&self, path: &Path, stamp: &Stamp) -> Option<String> {
        // Entries are inserted whole, so a poisoned map is still consistent.
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(path).filter(|(seen, _)| seen == stamp).map(|(_, sha)| sha.clone())
    }

    fn put(&self, path: &Path, stamp: Stamp, sha256: &str) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(path.to_path_buf(), (stamp, sha256.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_told_apart() {
        assert_eq!(classify("https://x/y.png", false), ImageValue::Remote);
        assert_eq!(classify("HTTP://x", false), ImageValue::Remote);
        assert_eq!(classify("5d6c1c3e-9f1a-4b59-8a1e-0c7a3f0f1b2c", false), ImageValue::Resource);
        assert_eq!(classify("789456123", false), ImageValue::Resource);
        assert_eq!(classify("/home/a/cat.png", false), ImageValue::Local("/home/a/cat.png".into()));
        assert_eq!(classify("file:///tmp/a.jpg", false), ImageValue::Local("/tmp/a.jpg".into()));
        assert_eq!(classify("example.png", false), ImageValue::Local("example.png".into()));
        assert_eq!(classify("example.png", true), ImageValue::Resource, "a ComfyUI server's input file");
        assert_eq!(classify("sub/example.png", true), ImageValue::Local("sub/example.png".into()));
        assert_eq!(classify("C:x.png", true), ImageValue::Local("C:x.png".into()));
        assert_eq!(classify("C:\\pics\\a", false), ImageValue::Local("C:\\pics\\a".into()));
        assert_eq!(classify("../x", false), ImageValue::Local("../x".into()));
    }

    #[tokio::test]
    async fn turns_are_one_per_digest_and_leave_with_the_last_holder() {
        let turns = Arc::new(Turns::default());
        let a = turns.take("aa").await;
        let b = turns.take("bb").await;
        assert_eq!(turns.0.lock().unwrap().len(), 2, "other bytes have their own turn, not held back");
        let (told, mut heard) = tokio::sync::oneshot::channel();
        let waiter = {
            let turns = turns.clone();
            tokio::spawn(async move {
                let turn = turns.take("aa").await;
                told.send(()).unwrap();
                drop(turn);
            })
        };
        // The test's runtime has one thread: yielding lets the waiter run up to its wait.
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        assert!(heard.try_recv().is_err(), "the same bytes wait for the turn");
        drop(a);
        heard.await.unwrap();
        waiter.await.unwrap();
        assert_eq!(turns.0.lock().unwrap().len(), 1, "the turn of aa left with its last holder");
        drop(b);
        assert!(turns.0.lock().unwrap().is_empty());
    }
}
