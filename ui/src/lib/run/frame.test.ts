import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubFrames, type Frames } from "../testing/frames";
import { FALLBACK_MS, nextFrame } from "./frame";

let frames: Frames;

beforeEach(() => {
  frames = stubFrames();
  // Only the timers: the frames are the stub's, driven by hand.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("nextFrame", () => {
  it("calls back at the next animation frame, once", () => {
    const cb = vi.fn();
    nextFrame(cb);
    expect(frames.waiting).toBe(1);
    expect(cb).not.toHaveBeenCalled();
    frames.next();
    expect(cb).toHaveBeenCalledTimes(1);
    // The fallback went with the frame.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(FALLBACK_MS * 2);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("calls back after the fallback when no frame comes (a background window)", () => {
    const cb = vi.fn();
    nextFrame(cb);
    vi.advanceTimersByTime(FALLBACK_MS - 1);
    expect(cb).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(cb).toHaveBeenCalledTimes(1);
    // The frame asked for was withdrawn: a late one calls nothing.
    expect(frames.waiting).toBe(0);
    frames.next();
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("does not wait for frames in a hidden document", () => {
    vi.spyOn(document, "hidden", "get").mockReturnValue(true);
    const cb = vi.fn();
    nextFrame(cb);
    expect(frames.waiting).toBe(0);
    vi.advanceTimersByTime(FALLBACK_MS);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("uses the timer alone where there are no animation frames", () => {
    vi.stubGlobal("requestAnimationFrame", undefined);
    const cb = vi.fn();
    nextFrame(cb);
    vi.advanceTimersByTime(FALLBACK_MS);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it("cancels both the frame and the fallback", () => {
    const cb = vi.fn();
    const cancel = nextFrame(cb);
    cancel();
    expect(frames.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    frames.next();
    vi.advanceTimersByTime(FALLBACK_MS);
    expect(cb).not.toHaveBeenCalled();
    // Cancelling again, or after the call, is harmless.
    cancel();
    const after = vi.fn();
    const done = nextFrame(after);
    frames.next();
    done();
    expect(after).toHaveBeenCalledTimes(1);
  });
});
