// The app's five views, in the order of the top bar and of the 1–5 shortcuts, with the shortcut
// that goes to each (shortcuts.test.ts checks that view n is key n).

import type { ShortcutId } from "./shortcuts/shortcuts";

export const VIEWS = ["generate", "gallery", "favourites", "history", "settings"] as const;
export type View = (typeof VIEWS)[number];

/** The shortcut that shows each view. */
export const VIEW_SHORTCUTS = {
  generate: "viewGenerate",
  gallery: "viewGallery",
  favourites: "viewFavourites",
  history: "viewHistory",
  settings: "viewSettings",
} as const satisfies Record<View, ShortcutId>;

/** The view a shortcut shows, or null when it is not one of those. */
export function viewOfShortcut(id: ShortcutId): View | null {
  return VIEWS.find((v) => VIEW_SHORTCUTS[v] === id) ?? null;
}
