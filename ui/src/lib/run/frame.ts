// When the queue applies the run events it has buffered: at the next animation frame, so a burst
// of events costs one render, or after a quarter second when no frame comes (a hidden or
// minimised window gets no frames, and its runs must still end and notify). Leaves out what is
// applied (runs.svelte.ts).

/** How long to wait for a frame before applying anyway. */
export const FALLBACK_MS = 250;

/** Calls `cb` once, at the next animation frame or after `FALLBACK_MS`, whichever comes first.
 * Returns a function that cancels the call if it has not happened yet. */
export function nextFrame(cb: () => void): () => void {
  let pending = true;
  let frame: number | null = null;
  const timer = setTimeout(() => fire(), FALLBACK_MS);

  function cancel(): void {
    pending = false;
    clearTimeout(timer);
    if (frame !== null) globalThis.cancelAnimationFrame?.(frame);
    frame = null;
  }

  function fire(): void {
    if (!pending) return;
    cancel();
    cb();
  }

  // A hidden document would only hold the frame back; the timer alone serves it.
  const hidden = globalThis.document?.hidden ?? false;
  if (typeof globalThis.requestAnimationFrame === "function" && !hidden) {
    frame = globalThis.requestAnimationFrame(() => fire());
  }
  return cancel;
}
