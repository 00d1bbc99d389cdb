// The gallery's door to the backend: the library index (query, facets, detail), the actions on
// images, and the `easel://` URLs the webview loads images and thumbnails from.

import { isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { EmptiedTrash } from "../bindings/EmptiedTrash";
import type { ImageDetail } from "../bindings/ImageDetail";
import type { ImageId } from "../bindings/ImageId";
import type { ImageQuery } from "../bindings/ImageQuery";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { JobEvent } from "../bindings/JobEvent";
import type { LibraryCounts } from "../bindings/LibraryCounts";
import type { LibraryFacets } from "../bindings/LibraryFacets";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { Page } from "../bindings/Page";
import type { ParamDiff } from "../bindings/ParamDiff";
import { call, callWithEvents } from "./call";
import { approvalArgs, type Approval } from "./index";

/** Event sent when images are added, changed or removed (payload: the ids concerned). */
export const LIBRARY_CHANGED = "library://changed";
/** Event carrying folder-import progress. */
export const LIBRARY_IMPORT = "library://import";

/** One page of images matching `query` (keyset paging: pass `nextCursor` back for the next). */
export function queryImages(query: ImageQuery): Promise<Page> {
  return call("library_query", { query });
}

/** How many images match `query.filter` (for "12,345 images"). */
export function countImages(query: ImageQuery): Promise<number> {
  return call("library_count", { filter: query.filter });
}

/** Totals: all images, favourites, trashed. */
export function libraryCounts(): Promise<LibraryCounts> {
  return call("library_counts");
}

/** Models, tags and workflow names with their image counts, for the filter menus. */
export function libraryFacets(): Promise<LibraryFacets> {
  return call("library_facets");
}

/** Everything known about one image (prompt, models, tags, run...). */
export function imageDetail(id: ImageId): Promise<ImageDetail> {
  return call("library_image", { id });
}

/** Marks or unmarks images as favourites. */
export function setFavourite(ids: ImageId[], favourite: boolean): Promise<void> {
  return call("library_set_favourite", { ids, favourite });
}

/** Adds a tag to images. */
export function addTag(ids: ImageId[], tag: string): Promise<void> {
  return call("library_add_tag", { ids, tag });
}

/** Removes a tag from images. */
export function removeTag(ids: ImageId[], tag: string): Promise<void> {
  return call("library_remove_tag", { ids, tag });
}

/** Moves images to the library trash; resolves with the ids actually trashed (for undo). */
export function trashImages(ids: ImageId[]): Promise<ImageId[]> {
  return call("library_trash", { ids });
}

/** Undoes `trashImages`. */
export function restoreImages(ids: ImageId[]): Promise<void> {
  return call("library_restore", { ids });
}

/** Sends every trashed image to the desktop's trash. */
export function emptyTrash(): Promise<EmptiedTrash> {
  return call("library_empty_trash");
}

/** Shows the image's file selected in the file manager. */
export function revealImage(id: ImageId): Promise<void> {
  return call("library_reveal", { id });
}

/** Puts the image (pixels, and the file for file managers) on the clipboard. */
export function copyImage(id: ImageId): Promise<void> {
  return call("library_copy", { id });
}

/** Asks for a folder and copies the images there; `null` when the person cancelled. */
export function exportImages(ids: ImageId[], keepMetadata: boolean): Promise<string[] | null> {
  return call("library_export", { ids, keepMetadata });
}

/** The workflow embedded in an image, ready for the editor. */
export function imageWorkflow(id: ImageId): Promise<OpenedWorkflow> {
  return call("library_workflow", { id });
}

/** The parameters that differ between two images. */
export function compareImages(left: ImageId, right: ImageId): Promise<ParamDiff> {
  return call("library_compare", { left, right });
}

/** Runs the image's workflow again with the same values (seed included); resolves with run ids,
 * their events go to `onEvent`. */
export function runAgain(
  id: ImageId,
  onEvent: (event: JobEvent) => void,
  approval: Approval = {},
): Promise<string[]> {
  return callWithEvents("library_run_again", { id, ...approvalArgs(approval) }, onEvent);
}

/** Asks for a folder and indexes its PNGs in place; `null` when cancelled. Progress arrives
 * through `onImportProgress`. */
export function importFolder(): Promise<ImportProgress | null> {
  return call("library_import");
}

/** Calls `handler` when images are added, changed or removed. */
export async function onLibraryChanged(handler: (ids: ImageId[]) => void): Promise<() => void> {
  if (!isTauri()) return () => {};
  return listen<ImageId[]>(LIBRARY_CHANGED, (event) => handler(event.payload));
}

/** Calls `handler` with folder-import progress. */
export async function onImportProgress(
  handler: (progress: ImportProgress) => void,
): Promise<() => void> {
  if (!isTauri()) return () => {};
  return listen<ImportProgress>(LIBRARY_IMPORT, (event) => handler(event.payload));
}

// The gallery reaches these through this module too: URLs, and whether an image's workflow runs
// as it stands (its "Run again").
export { imageUrl as libraryImageUrl, thumbUrl, workflowReadiness } from "./index";
