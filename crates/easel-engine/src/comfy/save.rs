//! Saving one result of a ComfyUI prompt exactly as a Tensor.Art result is saved: once per run
//! and file (a resumed run finds it in the journal), fetched through `/view` into a temp file,
//! verified as a PNG, given the run's `prompt`, `workflow` and `easel` chunks (replacing the
//! server's own), renamed into place, recorded and indexed.

use std::sync::Arc;

use easel_comfy::{ComfyError, ImageRef};

use crate::download::{image_path, save_image, Fetch};
use crate::plan::RunPlan;
use crate::progress::ImageOffer;
use crate::save::{already_saved, backoff, chunks, recorded};
use crate::{EngineError, Inner, SavedImage};

/// The journal's key of a server file: unique within the server.
pub(crate) fn resource_of(image: &ImageRef) -> String {
    format!("{}/{}/{}", image.kind, image.subfolder, image.filename)
}

pub(crate) async fn save_result(
    inner: Arc<Inner>,
    plan: Arc<RunPlan>,
    prompt_id: String,
    node_id: String,
    image: ImageRef,
) -> Result<SavedImage, EngineError> {
    let resource = resource_of(&image);
    if let Some(saved) = already_saved(&inner, &plan, &resource, &node_id, (None, None)).await? {
        return Ok(saved);
    }
    let crate::Backend::ComfyUi(server) = &inner.server else {
        return Err(EngineError::Unsupported("a ComfyUI result needs a ComfyUI server".into()));
    };
    let dest = image_path(&inner.library, &plan.run_id, plan.created_at, &node_id, &resource);
    let (text, model_names) = chunks(&inner, &plan, &prompt_id, None).await?;
    let offer = ImageOffer {
        resource: resource.clone(),
        node_id: node_id.clone(),
        url: String::new(),
        width: None,
        height: None,
    };
    let mut attempt = 0;
    let saved = loop {
        attempt += 1;
        match save_image(Fetch::Comfy(&server.comfy, &image), &offer, &dest, text.clone()).await {
            Ok(saved) => break saved,
            Err(e) if attempt >= inner.limits.download_attempts => return Err(e),
            // A cut connection or a truncated body: fetch again.
            Err(EngineError::Comfy(ComfyError::Network { .. })) | Err(EngineError::BadImage { .. }) => {
                backoff(attempt).await
            }
            Err(e) => return Err(e),
        }
    };
    recorded(&inner, &plan, &prompt_id, &resource, &node_id, saved, model_names).await
}
