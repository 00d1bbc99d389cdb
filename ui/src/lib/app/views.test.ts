import { afterEach, describe, expect, it, vi } from "vitest";
import { PRELOAD_AFTER_MS, preloadViews, views } from "./views";

type Name = keyof typeof views;

describe("views loaded on first visit", () => {
  afterEach(() => vi.useRealTimers());

  it("are each a component", async () => {
    for (const load of Object.values(views)) {
      expect(typeof (await load()).default).toBe("function");
    }
  });

  it("are all fetched once the window has been up a moment, and not after a cancel", () => {
    vi.useFakeTimers();
    const loads = (Object.keys(views) as Name[]).map((name) =>
      vi.spyOn(views, name).mockResolvedValue({ default: {} } as never),
    );
    preloadViews();
    vi.advanceTimersByTime(PRELOAD_AFTER_MS - 1);
    expect(loads.map((l) => l.mock.calls.length)).toEqual([0, 0, 0, 0]);
    vi.advanceTimersByTime(1);
    expect(loads.map((l) => l.mock.calls.length)).toEqual([1, 1, 1, 1]);

    const cancel = preloadViews();
    cancel();
    vi.advanceTimersByTime(PRELOAD_AFTER_MS * 2);
    expect(loads.map((l) => l.mock.calls.length)).toEqual([1, 1, 1, 1]);
  });

  it("say when a background fetch fails, and leave the visit to try again", async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(views, "history").mockRejectedValue(new Error("chunk missing"));
    for (const name of ["gallery", "favourites", "settings"] as Name[]) {
      vi.spyOn(views, name).mockResolvedValue({ default: {} } as never);
    }
    preloadViews();
    await vi.advanceTimersByTimeAsync(PRELOAD_AFTER_MS);
    expect(warn).toHaveBeenCalledWith(
      "Easel: could not preload the history view",
      expect.objectContaining({ message: "chunk missing" }),
    );
  });
});
