//! Saving one offered image of a run, idempotently: skip it when the library already has it
//! (a resumed run), else download with retries (a 403 re-reads the job for a fresh URL),
//! then record it. The byte-level work (stream, verify, embed, rename) is in `download`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use easel_tams::{Job, TamsError};
use serde_json::json;

use crate::download::{image_path, save_image, Fetch};
use crate::plan::{PlannedWork, RunPlan};
use crate::progress::{url_path, ImageOffer, Tracker};
use crate::store::NewImage;
use crate::{EngineError, Inner, SavedImage};

pub(crate) async fn save_offer(
    inner: Arc<Inner>,
    plan: Arc<RunPlan>,
    job_id: String,
    credits: Option<f64>,
    mut offer: ImageOffer,
) -> Result<SavedImage, EngineError> {
    if let Some(saved) =
        already_saved(&inner, &plan, &offer.resource, &offer.node_id, (offer.width, offer.height)).await?
    {
        return Ok(saved);
    }
    let dest = image_path(&inner.library, &plan.run_id, plan.created_at, &offer.node_id, &offer.resource);
    let (text, model_names) = chunks(&inner, &plan, &job_id, credits).await?;
    let client = inner.server.tams("a download")?;
    let mut attempt = 0;
    let saved = loop {
        attempt += 1;
        match save_image(Fetch::Url(client, &offer.url), &offer, &dest, text.clone()).await {
            Ok(saved) => break saved,
            Err(e) if attempt >= inner.limits.download_attempts => return Err(e),
            Err(EngineError::Tams(TamsError::UrlExpired)) => {
                let job = client.get_job(&job_id).await?;
                if let Some(fresh) = fresh_url(&job, &offer) {
                    offer.url = fresh;
                }
            }
            Err(EngineError::Tams(e)) if e.is_retryable() => backoff(attempt).await,
            // A truncated or corrupt body: fetch again.
            Err(EngineError::BadImage { .. }) => backoff(attempt).await,
            Err(e) => return Err(e),
        }
    };
    recorded(&inner, &plan, &job_id, &offer.resource, &offer.node_id, saved, model_names).await
}

/// The image of `resource` when the library has it already (a resumed run), found again in
/// the gallery without downloading.
pub(crate) async fn already_saved(
    inner: &Inner,
    plan: &RunPlan,
    resource: &str,
    node_id: &str,
    size: (Option<u32>, Option<u32>),
) -> Result<Option<SavedImage>, EngineError> {
    let Some(id) = inner.with_store(|s| s.image_id(&plan.run_id, resource))? else { return Ok(None) };
    let path = inner.with_store(|s| s.image_path(id))?.unwrap_or_default();
    // Indexing is idempotent (same path and content → same id), so this only looks it up.
    let gallery = inner.gallery.clone();
    let file = std::path::PathBuf::from(&path);
    let id = tokio::task::spawn_blocking(move || gallery.add_file(&file).ok()).await.ok().flatten();
    let (width, height) = (size.0.unwrap_or(0), size.1.unwrap_or(0));
    Ok(Some(SavedImage { id, path, node_id: node_id.to_string(), width, height }))
}

/// The text chunks every saved image of the run carries (`prompt`, `workflow`, `easel`), and
/// the model names the `easel` chunk holds.
pub(crate) async fn chunks(
    inner: &Inner,
    plan: &RunPlan,
    job_id: &str,
    credits: Option<f64>,
) -> Result<(Vec<(String, String)>, BTreeMap<String, String>), EngineError> {
    let model_names = match &inner.server {
        crate::Backend::Tams(_) => inner.models.names(inner, plan.work.params()).await,
        // A ComfyUI graph names its model files itself.
        crate::Backend::ComfyUi(_) => BTreeMap::new(),
    };
    let (seeds, template) = match &plan.work {
        PlannedWork::Graph { seeds, .. } => (seeds.clone(), None),
        PlannedWork::Template { template_id, .. } => (json!({}), Some(template_id.clone())),
    };
    // The local files this run uploaded, and the resources they became (never their bytes).
    let uploads: Vec<_> = plan
        .uploads
        .iter()
        .map(|u| json!({"nodeId": u.node_id, "input": u.input, "file": u.file, "resource": u.resource}))
        .collect();
    // A sweep's cell says so, so the gallery can stack it behind the sweep's grid.
    let sweep = inner
        .with_store(|s| s.sweep_cell_of(&plan.run_id))?
        .map(|(sweep_id, cell)| json!({"sweepId": sweep_id, "cell": cell}));
    let easel_chunk = json!({
        "runId": plan.run_id, "jobId": job_id, "requestId": plan.request_id,
        "backend": inner.backend, "backendKind": inner.server.kind(), "seeds": seeds, "createdAt": plan.created_at,
        "workflow": plan.name, "modelNames": model_names, "credits": credits,
        "savedAt": crate::store::unix_now(), "uploads": uploads, "templateId": template, "sweep": sweep,
    })
    .to_string();
    let mut text = Vec::new();
    if let PlannedWork::Graph { prompt_chunk, editor_chunk, .. } = &plan.work {
        text.push(("prompt".to_string(), prompt_chunk.clone()));
        if let Some(editor) = editor_chunk {
            text.push(("workflow".to_string(), editor.clone()));
        }
    }
    text.push(("easel".to_string(), easel_chunk));
    Ok((text, model_names))
}

/// Records a saved file in the journal and the gallery.
pub(crate) async fn recorded(
    inner: &Inner,
    plan: &RunPlan,
    job_id: &str,
    resource: &str,
    node_id: &str,
    saved: crate::download::Downloaded,
    model_names: BTreeMap<String, String>,
) -> Result<SavedImage, EngineError> {
    let path = saved.path.to_string_lossy().to_string();
    inner.with_store(|s| {
        s.insert_image(&NewImage {
            run_id: &plan.run_id,
            job_id,
            resource,
            node_id,
            path: &path,
            width: saved.width,
            height: saved.height,
        })
    })?;
    let id = index_in_gallery(inner, plan, job_id, node_id, saved.path.clone(), model_names).await;
    Ok(SavedImage { id, path, node_id: node_id.to_string(), width: saved.width, height: saved.height })
}

/// Adds the saved file to the gallery index. The index is derived from the files (a rescan
/// rebuilds it), so a failure here is reported but does not fail the run: the image is safe, and
/// the event says where it is without a gallery id.
async fn index_in_gallery(
    inner: &Inner,
    plan: &RunPlan,
    job_id: &str,
    node_id: &str,
    path: std::path::PathBuf,
    model_names: BTreeMap<String, String>,
) -> Option<easel_library::ImageId> {
    let facts = easel_library::ImageFacts {
        run_id: plan.run_id.clone(),
        job_id: job_id.to_string(),
        node_id: Some(node_id.to_string()).filter(|n| !n.is_empty()),
        workflow: Some(plan.name.clone()),
        created_at: Some(plan.created_at),
        model_names,
    };
    let gallery = inner.gallery.clone();
    let shown = path.display().to_string();
    match tokio::task::spawn_blocking(move || gallery.add_saved(&path, &facts)).await {
        Ok(Ok(id)) => Some(id),
        Ok(Err(e)) => {
            eprintln!("easel: {shown} is saved but not yet in the gallery index: {e}");
            None
        }
        Err(e) => {
            eprintln!("easel: {shown} is saved but indexing stopped: {e}");
            None
        }
    }
}

pub(crate) async fn backoff(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(150 * u64::from(attempt))).await;
}

/// The same image's URL in a newer snapshot, matched by resource id or URL path.
fn fresh_url(job: &Job, offer: &ImageOffer) -> Option<String> {
    let (_, offers) = Tracker::new(Vec::new()).update(job);
    let path = url_path(&offer.url);
    offers.into_iter().find(|o| o.resource == offer.resource || url_path(&o.url) == path).map(|o| o.url)
}
