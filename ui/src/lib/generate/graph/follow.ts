// Keeping a card in view: where to pan so that a card that is (partly) off screen comes to the
// middle, at the same zoom. Pure geometry; when to do it is FollowRunning.svelte's business.

export type Rect = { x: number; y: number; width: number; height: number };
/** A viewport as xyflow has it: screen = flow × zoom + (x, y). */
export type View = { x: number; y: number; zoom: number };

/**
 * The viewport that centres `rect` (flow coordinates) in a pane of `pane` size without changing
 * the zoom, or null when the rect is already fully in view (`margin` pixels inside the edges)
 * or the pane has no size yet.
 */
export function revealRect(
  rect: Rect,
  view: View,
  pane: { width: number; height: number },
  margin = 16,
): View | null {
  if (pane.width <= 0 || pane.height <= 0) return null;
  const { zoom } = view;
  const left = rect.x * zoom + view.x;
  const top = rect.y * zoom + view.y;
  const inView =
    left >= margin &&
    top >= margin &&
    left + rect.width * zoom <= pane.width - margin &&
    top + rect.height * zoom <= pane.height - margin;
  if (inView) return null;
  return {
    x: pane.width / 2 - (rect.x + rect.width / 2) * zoom,
    y: pane.height / 2 - (rect.y + rect.height / 2) * zoom,
    zoom,
  };
}
