// Which images are selected, and how clicks and keys change that: click selects one, Ctrl/⌘
// toggles, Shift extends from the anchor. Ids are kept (they survive a refresh); indices are only
// the anchor and the keyboard's current position. Pure. Leaves out selecting images that are not
// loaded: a range only covers the items in memory, which the caller supplies.

import type { ImageId } from "../bindings/ImageId";

export type Selection = {
  ids: ReadonlySet<ImageId>;
  /** Where a Shift range starts. */
  anchor: number | null;
  /** The image the keyboard is on (also the one Enter opens). */
  current: number | null;
};

export const EMPTY: Selection = { ids: new Set(), anchor: null, current: null };

export type Modifiers = { toggle: boolean; range: boolean };

/** Ctrl on Linux and Windows, ⌘ on macOS. */
export function modifiers(event: MouseEvent | KeyboardEvent): Modifiers {
  return { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey };
}

/** The selection after a click (or an arrow key) on the image `id` at `index`. `between(a, b)`
 * lists the loaded ids from index a to b. */
export function choose(
  selection: Selection,
  index: number,
  id: ImageId,
  mods: Modifiers,
  between: (a: number, b: number) => ImageId[],
): Selection {
  if (mods.range) {
    const anchor = selection.anchor ?? index;
    const range = between(anchor, index);
    const ids = mods.toggle ? new Set([...selection.ids, ...range]) : new Set(range);
    return { ids, anchor, current: index };
  }
  if (mods.toggle) {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index, current: index };
  }
  return only(index, id);
}

/** Only the image `id` at `index`, which is also the anchor and the keyboard position. */
export function only(index: number, id: ImageId): Selection {
  return { ids: new Set([id]), anchor: index, current: index };
}

/** Everything loaded, keeping the keyboard position. */
export function selectAll(selection: Selection, ids: ImageId[]): Selection {
  return { ...selection, ids: new Set(ids) };
}

/** The selection without `removed` (e.g. after they went to the trash). */
export function without(selection: Selection, removed: ImageId[]): Selection {
  const gone = new Set(removed);
  return { ...selection, ids: new Set([...selection.ids].filter((id) => !gone.has(id))) };
}

/** Where an arrow key moves the current position in a grid of `columns`, within `total`. */
export function step(
  current: number | null,
  key: "left" | "right" | "up" | "down" | "home" | "end",
  columns: number,
  total: number,
): number | null {
  if (total === 0) return null;
  if (current === null) return key === "end" ? total - 1 : 0;
  const next = {
    left: current - 1,
    right: current + 1,
    up: current - columns,
    down: current + columns,
    home: 0,
    end: total - 1,
  }[key];
  return Math.min(total - 1, Math.max(0, next));
}
