// The one list of keyboard shortcuts: the help panel shows it, the app labels buttons from it and
// can match key presses against it, so what is documented is what works. Combos are written
// "Mod+S" (Mod = Ctrl, or ⌘ on macOS). Leaves out user-defined bindings.

export type ShortcutScope = "app" | "generate" | "viewer";

export type ShortcutId =
  | "run"
  | "saveFavourite"
  | "openFile"
  | "searchGallery"
  | "viewGenerate"
  | "viewGallery"
  | "viewFavourites"
  | "viewHistory"
  | "viewSettings"
  | "undoDelete"
  | "help"
  | "close"
  | "previous"
  | "next"
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "actualSize"
  | "favourite"
  | "trash";

export type Shortcut = {
  id: ShortcutId;
  /** Combos that trigger it, the first being the one shown on buttons. */
  keys: string[];
  /** Catalogue key of its description. */
  description: string;
  scope: ShortcutScope;
};

const entry = (id: ShortcutId, keys: string[], scope: ShortcutScope): Shortcut => ({
  id,
  keys,
  description: `shortcuts.${id}`,
  scope,
});

/** Every shortcut, grouped by scope in the order the help shows them. */
export const SHORTCUTS: readonly Shortcut[] = [
  entry("openFile", ["Mod+O"], "app"),
  entry("searchGallery", ["Mod+F"], "app"),
  entry("viewGenerate", ["1"], "app"),
  entry("viewGallery", ["2"], "app"),
  entry("viewFavourites", ["3"], "app"),
  entry("viewHistory", ["4"], "app"),
  entry("viewSettings", ["5"], "app"),
  entry("undoDelete", ["Mod+Z"], "app"),
  entry("help", ["?", "F1"], "app"),
  entry("close", ["Escape"], "app"),
  entry("run", ["Mod+Enter"], "generate"),
  entry("saveFavourite", ["Mod+S"], "generate"),
  entry("previous", ["ArrowLeft"], "viewer"),
  entry("next", ["ArrowRight"], "viewer"),
  entry("zoomIn", ["+", "="], "viewer"),
  entry("zoomOut", ["-"], "viewer"),
  entry("fit", ["0"], "viewer"),
  entry("actualSize", ["1"], "viewer"),
  entry("favourite", ["F"], "viewer"),
  entry("trash", ["Delete"], "viewer"),
];

export const SCOPES: readonly ShortcutScope[] = ["app", "generate", "viewer"];

type Combo = { mod: boolean; shift: boolean; alt: boolean; key: string };

function parse(combo: string): Combo {
  // The key is the last part; a lone "+" is the plus key itself.
  const parts = combo === "+" ? ["+"] : combo.split("+");
  const key = parts.pop() ?? "";
  return {
    mod: parts.includes("Mod"),
    shift: parts.includes("Shift"),
    alt: parts.includes("Alt"),
    key,
  };
}

// Letters and named keys (Enter, F1, ArrowLeft) are told apart from their shifted forms; symbols
// such as "?" or "+" need Shift on many layouts, so Shift is not checked for them.
const shiftMatters = (key: string) => /^[a-z]$/i.test(key) || key.length > 1;

/** Whether a key press is `combo`. */
export function matches(event: KeyboardEvent, combo: string): boolean {
  const c = parse(combo);
  if (c.mod !== (event.ctrlKey || event.metaKey)) return false;
  if (c.alt !== event.altKey) return false;
  if (shiftMatters(c.key) && c.shift !== event.shiftKey) return false;
  return c.key.length === 1 ? event.key.toLowerCase() === c.key.toLowerCase() : event.key === c.key;
}

/** Whether `combo` still fires while a text field has focus: only Mod combos, F-keys and Escape
 * do, so typing a "1" or "?" in a prompt stays typing. */
export function firesWhileTyping(combo: string): boolean {
  const c = parse(combo);
  return c.mod || /^F\d+$/.test(c.key) || c.key === "Escape";
}

/** The shortcut a key press triggers, looking in `scopes` in order (most specific first, since
 * the viewer's "1" shadows the app's), or null. `typing`: focus is in a text field. */
export function matchShortcut(
  event: KeyboardEvent,
  scopes: readonly ShortcutScope[],
  typing: boolean,
): ShortcutId | null {
  for (const scope of scopes) {
    for (const s of SHORTCUTS) {
      if (s.scope !== scope) continue;
      const hit = s.keys.some((k) => matches(event, k) && (!typing || firesWhileTyping(k)));
      if (hit) return s.id;
    }
  }
  return null;
}

/** Whether the keyboard is a Mac's (⌘ instead of Ctrl). */
export function isMac(): boolean {
  return typeof navigator !== "undefined" && /mac/i.test(navigator.platform);
}

const SYMBOLS: Record<string, string> = {
  Enter: "↵",
  Escape: "Esc",
  ArrowLeft: "←",
  ArrowRight: "→",
  ArrowUp: "↑",
  ArrowDown: "↓",
  Delete: "Del",
};

/** A combo's keycaps, e.g. ["Ctrl", "S"] or ["⌘", "S"]. */
export function keycaps(combo: string, mac: boolean = isMac()): string[] {
  const c = parse(combo);
  const caps: string[] = [];
  if (c.mod) caps.push(mac ? "⌘" : "Ctrl");
  if (c.alt) caps.push(mac ? "⌥" : "Alt");
  if (c.shift) caps.push(mac ? "⇧" : "Shift");
  caps.push(SYMBOLS[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key));
  return caps;
}

/** A combo as one label: "Ctrl+S" or "⌘S". */
export function comboLabel(combo: string, mac: boolean = isMac()): string {
  return keycaps(combo, mac).join(mac ? "" : "+");
}

/** The label of a shortcut's main combo, for tooltips and hints ("Run (Ctrl+↵)"). */
export function shortcutLabel(id: ShortcutId, mac: boolean = isMac()): string {
  const s = SHORTCUTS.find((x) => x.id === id);
  return s ? comboLabel(s.keys[0], mac) : "";
}
