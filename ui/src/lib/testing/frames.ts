// Animation frames a test drives by hand: `requestAnimationFrame` is replaced by a list that
// `frames.next()` runs, so a test says exactly when a frame happens. Leaves out the fallback
// timer of run/frame.ts (fake timers drive that); `vi.unstubAllGlobals()` puts the real ones back.

import { vi } from "vitest";

export type Frames = {
  /** Runs the callbacks asked for so far (those they ask for wait for the next call). */
  next(): void;
  /** How many callbacks wait for the next frame. */
  readonly waiting: number;
};

export function stubFrames(): Frames {
  let queued = new Map<number, FrameRequestCallback>();
  let id = 0;
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => {
    queued.set(++id, cb);
    return id;
  });
  vi.stubGlobal("cancelAnimationFrame", (handle: number) => queued.delete(handle));
  return {
    next() {
      const due = queued;
      queued = new Map();
      for (const cb of due.values()) cb(performance.now());
    },
    get waiting() {
      return queued.size;
    },
  };
}
