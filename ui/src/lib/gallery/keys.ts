// What a key press means in the gallery and in the viewer. Pure: the views call these from one
// window handler each and act on the command. Leaves out user-defined shortcuts.

export type KeyLike = Pick<
  KeyboardEvent,
  "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "target"
>;

/** Whether the key belongs to the focused control (typing, or Enter/Space on a button). */
export function ownedByControl(event: KeyLike): boolean {
  const target = event.target;
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"))
    return true;
  return (event.key === "Enter" || event.key === " ") && target.closest("button, a") !== null;
}

export type Direction = "left" | "right" | "up" | "down" | "home" | "end";

export type GridCommand =
  | { kind: "move"; to: Direction; extend: boolean }
  | { kind: "open" }
  | { kind: "selectAll" }
  | { kind: "clear" }
  | { kind: "trash" };

const ARROWS: Record<string, Direction> = {
  ArrowLeft: "left",
  ArrowRight: "right",
  ArrowUp: "up",
  ArrowDown: "down",
  Home: "home",
  End: "end",
};

/** The grid's command for a key, or null. */
export function gridCommand(event: KeyLike): GridCommand | null {
  if (ownedByControl(event) || event.altKey) return null;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === "a") return { kind: "selectAll" };
  if (mod) return null;
  if (event.key in ARROWS) return { kind: "move", to: ARROWS[event.key], extend: event.shiftKey };
  switch (event.key) {
    case "Enter":
      return { kind: "open" };
    case "Escape":
      return { kind: "clear" };
    // Mac keyboards label Backspace "delete".
    case "Delete":
    case "Backspace":
      return { kind: "trash" };
    default:
      return null;
  }
}

export type ViewerCommand =
  | "previous"
  | "next"
  | "close"
  | "favourite"
  | "trash"
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "actualSize";

/** The viewer's command for a key, or null. Escape closes even from a text field. */
export function viewerCommand(event: KeyLike): ViewerCommand | null {
  if (event.key === "Escape") return "close";
  if (ownedByControl(event) || event.altKey || event.ctrlKey || event.metaKey) return null;
  switch (event.key) {
    case "ArrowLeft":
      return "previous";
    case "ArrowRight":
      return "next";
    case "f":
    case "F":
      return "favourite";
    case "Delete":
    case "Backspace":
      return "trash";
    case "+":
    case "=":
      return "zoomIn";
    case "-":
    case "_":
      return "zoomOut";
    case "0":
      return "fit";
    case "1":
      return "actualSize";
    default:
      return null;
  }
}
