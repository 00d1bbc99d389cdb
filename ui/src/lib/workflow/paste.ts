// When a paste means "open this workflow": JSON text pasted while no text field has focus.
// Pure.

/** Whether the element takes typed text itself (so a paste belongs to it). */
export function takesText(target: EventTarget | null): boolean {
  if (typeof Element === "undefined" || !(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])"))
    return true;
  return false;
}

/** Whether pasted text looks like a workflow (a JSON object). */
export function looksLikeWorkflow(text: string): boolean {
  const t = text.trim();
  return t.startsWith("{") && t.endsWith("}");
}
