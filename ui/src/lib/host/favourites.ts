// Favourite workflows' door to the backend: kept by the app in its store file, run in one click.

import type { Favourite } from "../bindings/Favourite";
import type { FavouriteDraft } from "../bindings/FavouriteDraft";
import type { JobEvent } from "../bindings/JobEvent";
import { call, callWithEvents } from "./call";
import { approvalArgs, type Approval } from "./index";

/** Every favourite, most recently changed first. */
export function listFavourites(): Promise<Favourite[]> {
  return call("favourites_list");
}

/** Saves a new favourite (`draft.id` null) or updates one. */
export function saveFavourite(draft: FavouriteDraft): Promise<Favourite> {
  return call("favourite_save", { draft });
}

export function renameFavourite(id: string, name: string): Promise<Favourite> {
  return call("favourite_rename", { id, name });
}

/** A copy named "<name> (copy)". */
export function duplicateFavourite(id: string, copySuffix: string): Promise<Favourite> {
  return call("favourite_duplicate", { id, copySuffix });
}

/** Deletes a favourite; resolves with it so the UI can offer undo through `restoreFavourite`. */
export function deleteFavourite(id: string): Promise<Favourite> {
  return call("favourite_delete", { id });
}

/** Puts back a deleted favourite with its id and dates. */
export function restoreFavourite(favourite: Favourite): Promise<Favourite> {
  return call("favourite_restore", { favourite });
}

/** Asks where to save and writes the favourites (all when `ids` is empty); `null` if cancelled. */
export function exportFavourites(ids: string[]): Promise<string | null> {
  return call("favourites_export", { ids });
}

/** Asks for a favourites file and adds its entries (all or none); `null` if cancelled. */
export function importFavourites(): Promise<Favourite[] | null> {
  return call("favourites_import");
}

/** Runs a favourite as saved; resolves with the run ids, their events go to `onEvent`. */
export function runFavourite(
  id: string,
  count: number,
  onEvent: (event: JobEvent) => void,
  approval: Approval = {},
): Promise<string[]> {
  return callWithEvents("favourite_run", { id, count, ...approvalArgs(approval) }, onEvent);
}
