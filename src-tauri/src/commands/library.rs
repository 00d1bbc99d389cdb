//! The gallery: queries and facets of the library index, actions on images (favourite, tags,
//! trash/undo, reveal, copy, export, compare), opening or re-running an image's workflow, and
//! importing a folder with progress events. Index work runs on blocking threads.

use easel_error::ErrorCode;
use easel_library::{
    EmptiedTrash, Facet, ImageDetail, ImageFilter, ImageId, ImageQuery, ImportProgress, LibraryCounts, ModelRef, Page,
    ParamDiff,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use super::on_library;
use crate::backend::AppState;
use crate::commands::files::{pick, Pick};
use crate::commands::workflow::{opened, OpenedWorkflow};
use crate::{AppError, LIBRARY_CHANGED, LIBRARY_IMPORT};

/// The values the gallery's filter menus offer, each with its image count.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LibraryFacets {
    /// Models used, most used first.
    pub models: Vec<Facet<ModelRef>>,
    /// Tags, most used first.
    pub tags: Vec<Facet<String>>,
    /// Workflow names, most used first.
    pub workflows: Vec<Facet<String>>,
}

/// One page of images (keyset paging).
#[tauri::command]
pub async fn library_query(state: State<'_, AppState>, query: ImageQuery) -> Result<Page, AppError> {
    on_library(state.backend().engine.gallery(), move |l| {
        let page = l.query(&query)?;
        // Thumbnails of what is about to be shown start now, not when the first <img> asks.
        l.queue_thumbnails(&page.items.iter().map(|i| i.id).collect::<Vec<ImageId>>())?;
        Ok(page)
    })
    .await
}

/// How many images match a filter.
#[tauri::command]
pub async fn library_count(state: State<'_, AppState>, filter: ImageFilter) -> Result<u64, AppError> {
    on_library(state.backend().engine.gallery(), move |l| l.count(&filter)).await
}

/// Totals: images, favourites, trashed.
#[tauri::command]
pub async fn library_counts(state: State<'_, AppState>) -> Result<LibraryCounts, AppError> {
    on_library(state.backend().engine.gallery(), |l| l.counts()).await
}

/// Models, tags and workflows with counts.
#[tauri::command]
pub async fn library_facets(state: State<'_, AppState>) -> Result<LibraryFacets, AppError> {
    on_library(state.backend().engine.gallery(), |l| {
        Ok(LibraryFacets { models: l.model_counts()?, tags: l.tag_counts()?, workflows: l.workflow_counts()? })
    })
    .await
}

/// Everything known about one image.
#[tauri::command]
pub async fn library_image(state: State<'_, AppState>, id: ImageId) -> Result<ImageDetail, AppError> {
    on_library(state.backend().engine.gallery(), move |l| l.image(id)).await
}

/// Marks or unmarks favourites.
#[tauri::command]
pub async fn library_set_favourite(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<ImageId>,
    favourite: bool,
) -> Result<(), AppError> {
    let changed = ids.clone();
    on_library(state.backend().engine.gallery(), move |l| l.set_favourite(&ids, favourite)).await?;
    announce(&app, &changed);
    Ok(())
}

/// Adds a tag.
#[tauri::command]
pub async fn library_add_tag(state: State<'_, AppState>, ids: Vec<ImageId>, tag: String) -> Result<(), AppError> {
    on_library(state.backend().engine.gallery(), move |l| l.add_tag(&ids, &tag)).await
}

/// Removes a tag.
#[tauri::command]
pub async fn library_remove_tag(state: State<'_, AppState>, ids: Vec<ImageId>, tag: String) -> Result<(), AppError> {
    on_library(state.backend().engine.gallery(), move |l| l.remove_tag(&ids, &tag)).await
}

/// Moves images to the library trash; returns those moved (for undo).
#[tauri::command]
pub async fn library_trash(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<ImageId>,
) -> Result<Vec<ImageId>, AppError> {
    let moved = on_library(state.backend().engine.gallery(), move |l| l.trash(&ids)).await?;
    announce(&app, &moved);
    Ok(moved)
}

/// Undoes a trash.
#[tauri::command]
pub async fn library_restore(app: AppHandle, state: State<'_, AppState>, ids: Vec<ImageId>) -> Result<(), AppError> {
    let changed = ids.clone();
    on_library(state.backend().engine.gallery(), move |l| l.restore(&ids)).await?;
    announce(&app, &changed);
    Ok(())
}

/// Sends the trashed images to the desktop's trash.
#[tauri::command]
pub async fn library_empty_trash(app: AppHandle, state: State<'_, AppState>) -> Result<EmptiedTrash, AppError> {
    let emptied = on_library(state.backend().engine.gallery(), |l| l.empty_trash()).await?;
    announce(&app, &[]);
    Ok(emptied)
}

/// Shows the image's file in the file manager.
#[tauri::command]
pub async fn library_reveal(state: State<'_, AppState>, id: ImageId) -> Result<(), AppError> {
    let path = on_library(state.backend().engine.gallery(), move |l| l.image_path(id)).await?;
    crate::desktop::reveal(&path).await
}

/// Copies the image to the clipboard.
#[tauri::command]
pub async fn library_copy(app: AppHandle, state: State<'_, AppState>, id: ImageId) -> Result<(), AppError> {
    let path = on_library(state.backend().engine.gallery(), move |l| l.image_path(id)).await?;
    crate::desktop::copy_image(app, &path).await
}

/// Asks for a folder and copies the images there, with or without their metadata.
#[tauri::command]
pub async fn library_export(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Vec<ImageId>,
    keep_metadata: bool,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(folder) = pick(app.dialog().file(), Pick::Folder).await else { return Ok(None) };
    let written = on_library(state.backend().engine.gallery(), move |l| l.export(&ids, &folder, keep_metadata)).await?;
    Ok(Some(written.iter().map(|p| p.display().to_string()).collect()))
}

/// The workflow embedded in an image, read from the file like a dropped PNG.
#[tauri::command]
pub async fn library_workflow(state: State<'_, AppState>, id: ImageId) -> Result<OpenedWorkflow, AppError> {
    Ok(picture_workflow(&state, id).await?.0)
}

/// An image's embedded workflow and the picture's bytes.
async fn picture_workflow(state: &AppState, id: ImageId) -> Result<(OpenedWorkflow, Vec<u8>), AppError> {
    let detail = on_library(state.backend().engine.gallery(), move |l| l.image(id)).await?;
    let path = detail.summary.path.clone();
    let bytes = tokio::fs::read(&path).await.map_err(|e| AppError::new(ErrorCode::Io, format!("{path}: {e}")))?;
    let schemas = crate::commands::workflow::schemas(state).await;
    let imported = schemas.import_bytes(&bytes).map_err(|e| e.in_file(&path))?;
    let name = detail.summary.workflow.clone().unwrap_or_else(|| stem(&path));
    Ok((opened(&name, imported, &schemas), bytes))
}

/// The parameters that differ between two images.
#[tauri::command]
pub async fn library_compare(state: State<'_, AppState>, left: ImageId, right: ImageId) -> Result<ParamDiff, AppError> {
    on_library(state.backend().engine.gallery(), move |l| l.compare(left, right)).await
}

/// Runs an image's workflow again with the values it was made with (seed included); a sweep's
/// grid runs its whole sweep again.
#[tauri::command]
pub async fn library_run_again(
    app: AppHandle,
    state: State<'_, AppState>,
    id: ImageId,
    approved_credits: Option<f64>,
    approved_over_cap: Option<f64>,
    events: tauri::ipc::Channel<Vec<easel_engine::JobEvent>>,
) -> Result<Vec<String>, AppError> {
    let (opened, bytes) = picture_workflow(&state, id).await?;
    // The picture's prompt is the text that was sent: its wildcards were drawn already. A grid's
    // prompt is its sweep's base graph, and the sweep comes back from its `easel` chunk.
    let mut work = crate::commands::workflow::graph_work(&opened.doc, Vec::new(), easel_engine::WildcardMode::Off)?;
    if let easel_engine::Work::Graph { sweep, .. } = &mut work {
        *sweep = easel_engine::Sweep::of_grid_picture(&bytes)?;
    }
    let caller = crate::runs::Caller { app, events };
    let approval = crate::runs::Approval { credits: approved_credits, over_cap: approved_over_cap };
    crate::runs::start(&state, caller, opened.doc.name.clone(), 1, work, approval).await
}

/// Asks for a folder and indexes its PNGs in place, reporting progress as `library://import`.
#[tauri::command]
pub async fn library_import(app: AppHandle, state: State<'_, AppState>) -> Result<Option<ImportProgress>, AppError> {
    let Some(folder) = pick(app.dialog().file(), Pick::Folder).await else { return Ok(None) };
    let events = app.clone();
    let mut last = std::time::Instant::now();
    let done = on_library(state.backend().engine.gallery(), move |l| {
        l.import_folder(&folder, &mut |p: &ImportProgress| {
            // About ten updates a second are plenty for a progress bar.
            if p.done == p.total || last.elapsed() >= std::time::Duration::from_millis(100) {
                last = std::time::Instant::now();
                if let Err(e) = events.emit(LIBRARY_IMPORT, p) {
                    eprintln!("easel-app: could not report import progress: {e}");
                }
            }
        })
    })
    .await?;
    announce(&app, &[]);
    Ok(Some(done))
}

/// Tells the window that images changed (an empty list means "many; reload").
pub(crate) fn announce(app: &AppHandle, ids: &[ImageId]) {
    if let Err(e) = app.emit(LIBRARY_CHANGED, ids) {
        eprintln!("easel-app: could not tell the window about library changes: {e}");
    }
}

fn stem(path: &str) -> String {
    std::path::Path::new(path).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
}
