// What can be done to images, as the gallery's buttons and keys call it: favourite, tag, trash
// with undo, restore, empty the trash, export, reveal, copy, compare, run again, open the
// workflow, import a folder. Each host call goes through `feedback.attempt`, so a rejection is
// shown in plain words and never thrown. Leaves out confirmation dialogs (the views ask first).

import type { ImageId } from "../bindings/ImageId";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { OpenedWorkflow } from "../bindings/OpenedWorkflow";
import type { ParamDiff } from "../bindings/ParamDiff";
import * as host from "../host/library";
import { t } from "../i18n/index.svelte";
import { withConsent } from "../run/consent.svelte";
import type { StartRuns } from "../run/runs.svelte";
import { formatNumber, plural } from "./format";
import type { Gallery } from "./gallery.svelte";

export class ImageActions {
  constructor(private readonly g: Gallery) {}

  private get feedback() {
    return this.g.feedback;
  }

  /** Stars or unstars at once; the backend's answer follows. A refresh puts back the truth on
   * failure, and drops unstarred images from a favourites-only view; otherwise the change shown
   * is already right and nothing is fetched again. */
  async favourite(ids: ImageId[], favourite: boolean): Promise<void> {
    if (ids.length === 0) return;
    this.g.results.patch(ids, { favourite });
    const ok = await this.feedback.attempt(() => host.setFavourite(ids, favourite));
    if (!ok || this.g.filters.favouritesOnly) this.g.refreshSoon();
  }

  /** Stars them unless all are starred already. */
  async toggleFavourite(ids: ImageId[]): Promise<void> {
    const items = this.g.results.loadedItems(ids);
    const allStarred = items.length > 0 && items.every((item) => item.favourite);
    await this.favourite(ids, !allStarred);
  }

  async addTag(ids: ImageId[], tag: string): Promise<boolean> {
    const name = tag.trim();
    if (ids.length === 0 || name === "") return false;
    const ok = await this.feedback.attempt(() => host.addTag(ids, name));
    if (ok) this.tagsChanged();
    return ok;
  }

  async removeTag(ids: ImageId[], tag: string): Promise<boolean> {
    const ok = await this.feedback.attempt(() => host.removeTag(ids, tag));
    if (ok) this.tagsChanged();
    return ok;
  }

  /** The tag menu's counts change; the results only when a tag filter or a search (which
   * matches tags) may now include or exclude images. */
  private tagsChanged(): void {
    if (this.g.filters.tag !== null || this.g.searching) this.g.refreshSoon();
    else this.g.refreshTotals();
  }

  /** Moves images to the library trash, with Undo in the toast. */
  async trash(ids: ImageId[]): Promise<void> {
    if (ids.length === 0) return;
    let trashed: ImageId[] = [];
    const ok = await this.feedback.attempt(async () => {
      trashed = await host.trashImages(ids);
    });
    if (!ok) return;
    this.g.unselect(trashed);
    this.g.refresh();
    this.feedback.notify(plural("gallery.toast.trashed", trashed.length), () =>
      this.restore(trashed),
    );
  }

  /** Takes images out of the library trash (Undo, or Restore in the trash view). */
  async restore(ids: ImageId[]): Promise<void> {
    if (ids.length === 0) return;
    const ok = await this.feedback.attempt(() => host.restoreImages(ids));
    if (!ok) return;
    this.g.unselect(ids);
    this.g.refresh();
    this.feedback.notify(plural("gallery.toast.restored", ids.length));
  }

  /** Sends everything in the library trash to the desktop's trash. */
  async emptyTrash(): Promise<void> {
    await this.feedback.attempt(async () => {
      const result = await host.emptyTrash();
      this.feedback.notify(plural("gallery.toast.emptied", result.removed));
      if (result.failed.length > 0)
        this.feedback.fail({ code: "trashKept", message: result.failed.join("\n") });
    });
    this.g.clearSelection();
    this.g.refresh();
  }

  /** Copies the files to a folder the person picks (nothing happens if they cancel). */
  async export(ids: ImageId[], keepMetadata: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.feedback.attempt(async () => {
      const paths = await host.exportImages(ids, keepMetadata);
      if (paths) this.feedback.notify(plural("gallery.toast.exported", paths.length));
    });
  }

  async reveal(id: ImageId): Promise<void> {
    await this.feedback.attempt(() => host.revealImage(id));
  }

  async copy(id: ImageId): Promise<void> {
    await this.feedback.attempt(async () => {
      await host.copyImage(id);
      this.feedback.notify(t("gallery.toast.copied"));
    });
  }

  async compare(left: ImageId, right: ImageId): Promise<ParamDiff | null> {
    let diff: ParamDiff | null = null;
    await this.feedback.attempt(async () => {
      diff = await host.compareImages(left, right);
    });
    return diff;
  }

  /** Starts the image's workflow again through the queue's `start` (so its events reach the
   * queue); resolves with the run ids (null on failure). */
  async runAgain(id: ImageId, start: StartRuns): Promise<string[] | null> {
    let runs: string[] | null = null;
    await this.feedback.attempt(async () => {
      runs = await start((onEvent) =>
        withConsent((approved) => host.runAgain(id, onEvent, approved)),
      );
      if (runs) this.feedback.notify(plural("gallery.toast.started", runs.length));
    });
    return runs;
  }

  /** The workflow in the image, for the editor (null on failure). */
  async workflow(id: ImageId): Promise<OpenedWorkflow | null> {
    let opened: OpenedWorkflow | null = null;
    await this.feedback.attempt(async () => {
      opened = await host.imageWorkflow(id);
    });
    return opened;
  }

  /** Asks for a folder and indexes it; progress shows while it runs. */
  async importFolder(): Promise<void> {
    if (this.g.importing) return;
    this.g.importing = { total: 0, done: 0, added: 0, known: 0, failed: [] };
    const ok = await this.feedback.attempt(async () => {
      const progress = await host.importFolder();
      if (progress === null) this.g.importing = null;
      else this.importProgress(progress);
    });
    if (!ok) this.g.importing = null;
  }

  /** An import reported progress (from the event, or the command's own answer). */
  importProgress(progress: ImportProgress): void {
    if (this.g.importing === null) return;
    if (progress.total > 0 && progress.done < progress.total) {
      this.g.importing = progress;
      return;
    }
    this.g.importing = null;
    this.g.refresh();
    const counts = {
      added: formatNumber(progress.added),
      known: formatNumber(progress.known),
      failed: formatNumber(progress.failed.length),
    };
    this.feedback.notify(
      t(
        progress.failed.length > 0 ? "gallery.toast.importedFailed" : "gallery.toast.imported",
        counts,
      ),
    );
    if (progress.failed.length > 0)
      this.feedback.fail({ code: "importFailed", message: progress.failed.join("\n") });
  }
}
