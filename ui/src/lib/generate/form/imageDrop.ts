// Which image field a file dropped on the window belongs to. Tauri reports OS file drops with a
// window position (not as HTML5 drop events), so fields register their drop zone here and the
// app asks `imageDropTarget(x, y)` before treating a drop as "open this workflow". Leaves out
// listening for drops (the app's) and the preview (ImageField's).

import type { AppError } from "../../bindings/AppError";
import type { InputPicture } from "../../bindings/InputPicture";
import { toAppError } from "../../errors";
import * as host from "../../host";

export type ImageDropZone = {
  /** The element carrying `data-image-drop`. */
  element: Element;
  /** Takes the accepted picture as the field's value. */
  set: (picture: InputPicture) => void;
  /** Shows why the file was refused. */
  fail: (error: AppError) => void;
};

const zones = new Set<ImageDropZone>();

/** Registers a field's drop zone; returns the function that unregisters it. */
export function registerImageDrop(zone: ImageDropZone): () => void {
  zones.add(zone);
  return () => zones.delete(zone);
}

/** The image field under a window point (CSS pixels), as a function that uses a dropped file
 * for it; null when no field is there. The returned promise never rejects: refusals show
 * under the field. */
export function imageDropTarget(x: number, y: number): ((path: string) => Promise<void>) | null {
  const hit = document.elementFromPoint(x, y)?.closest("[data-image-drop]");
  const zone = hit ? [...zones].find((z) => z.element === hit) : undefined;
  if (!zone) return null;
  return async (path) => {
    try {
      zone.set(await host.useInputImage(path));
    } catch (error) {
      zone.fail(toAppError(error));
    }
  };
}
