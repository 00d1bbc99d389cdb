// The app's four views, in the order of the top bar and of the 1–4 shortcuts.

export const VIEWS = ["generate", "gallery", "favourites", "settings"] as const;
export type View = (typeof VIEWS)[number];
