// Which rows of the queue panel are chosen for a bulk action, the way a desktop list does it:
// a click chooses one row, shift-click the range from the last row clicked (the anchor),
// ctrl/cmd-click adds or removes one; on the keyboard the arrows move the focus, space toggles
// the focused row, shift+arrows extend the range, ctrl/cmd+A chooses all and Escape none. Rows
// are named by run id and given in the order shown. Pure; leaves out what the actions do.

export type Selection = {
  /** The chosen runs. */
  ids: ReadonlySet<string>;
  /** Where a range starts (the last row clicked or toggled). */
  anchor: string | null;
  /** The row the keyboard is on. */
  focus: string | null;
};

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null, focus: null };

/** Held keys that change what a click or an arrow does. */
export type Modifiers = { shift: boolean; toggle: boolean };

/** The rows from `from` to `to`, both included, in `order`. */
function range(order: readonly string[], from: string, to: string): Set<string> {
  const [a, b] = [order.indexOf(from), order.indexOf(to)].sort((x, y) => x - y);
  return new Set(order.slice(a, b + 1));
}

function toggled(ids: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(ids);
  if (!next.delete(id)) next.add(id);
  return next;
}

/** A click on row `id`. */
export function clickRow(
  selection: Selection,
  order: readonly string[],
  id: string,
  { shift, toggle }: Modifiers,
): Selection {
  const { anchor } = selection;
  if (shift && anchor !== null && order.includes(anchor)) {
    const span = range(order, anchor, id);
    const ids = toggle ? new Set([...selection.ids, ...span]) : span;
    return { ids, anchor, focus: id };
  }
  if (toggle) return { ids: toggled(selection.ids, id), anchor: id, focus: id };
  return { ids: new Set([id]), anchor: id, focus: id };
}

/** Moves the keyboard focus to the row at `to` (clamped); with `extend`, the chosen rows become
 * the range from the anchor (the focused row when there is none) to it. */
function focusAt(
  selection: Selection,
  order: readonly string[],
  to: number,
  extend: boolean,
): Selection {
  if (order.length === 0) return selection;
  const focus = order[Math.min(order.length - 1, Math.max(0, to))];
  if (!extend) return { ...selection, focus };
  const from =
    selection.focus !== null && order.includes(selection.focus) ? selection.focus : focus;
  const anchor =
    selection.anchor !== null && order.includes(selection.anchor) ? selection.anchor : from;
  return { ids: range(order, anchor, focus), anchor, focus };
}

/** A key pressed on the list: the new selection, or null when the key is not the list's. */
export function keyOnList(
  selection: Selection,
  order: readonly string[],
  key: string,
  { shift, toggle }: Modifiers,
): Selection | null {
  const at = selection.focus === null ? -1 : order.indexOf(selection.focus);
  switch (key) {
    case "ArrowDown":
      return focusAt(selection, order, at + 1, shift);
    case "ArrowUp":
      // With nothing focused yet, up starts at the top too.
      return focusAt(selection, order, at < 0 ? 0 : at - 1, shift);
    case "Home":
      return focusAt(selection, order, 0, shift);
    case "End":
      return focusAt(selection, order, order.length - 1, shift);
    case " ": {
      const focus = at < 0 ? order[0] : selection.focus;
      if (focus === undefined || focus === null) return selection;
      return { ids: toggled(selection.ids, focus), anchor: focus, focus };
    }
    case "a":
    case "A":
      if (!toggle) return null;
      return { ...selection, ids: new Set(order), anchor: order[0] ?? null };
    case "Escape":
      return selection.ids.size === 0 ? null : { ...selection, ids: new Set() };
    default:
      return null;
  }
}

/** Forgets rows no longer shown (cleared, pruned); the same selection when none went. */
export function keepShown(selection: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const gone = (id: string | null) => id !== null && !shown.has(id);
  if (![...selection.ids].some(gone) && !gone(selection.anchor) && !gone(selection.focus)) {
    return selection;
  }
  return {
    ids: new Set([...selection.ids].filter((id) => shown.has(id))),
    anchor: gone(selection.anchor) ? null : selection.anchor,
    focus: gone(selection.focus) ? null : selection.focus,
  };
}

/** The chosen ids, in `order`. */
export function chosenIn(selection: Selection, order: readonly string[]): string[] {
  return order.filter((id) => selection.ids.has(id));
}
