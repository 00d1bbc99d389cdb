import { describe, expect, it, vi } from "vitest";
import { consent, withConsent } from "./consent.svelte";

const needs = { code: "needsConfirmation", message: "m", details: { credits: 42, threshold: 10 } };

describe("withConsent", () => {
  it("passes straight through when the backend agrees", async () => {
    const start = vi.fn().mockResolvedValue("ok");
    expect(await withConsent(start, 5)).toBe("ok");
    expect(start).toHaveBeenCalledWith(5);
    expect(consent.question).toBeNull();
  });

  it("asks with the backend's estimate and retries with the accepted total", async () => {
    const start = vi.fn().mockRejectedValueOnce(needs).mockResolvedValueOnce(["r"]);
    const result = withConsent(start);
    await vi.waitFor(() => expect(consent.question).toEqual({ credits: 42, threshold: 10 }));
    consent.answer(true);
    expect(await result).toEqual(["r"]);
    expect(start).toHaveBeenLastCalledWith(42);
  });

  it("declining sends nothing more and resolves null", async () => {
    const start = vi.fn().mockRejectedValue(needs);
    const result = withConsent(start);
    await vi.waitFor(() => expect(consent.question).not.toBeNull());
    consent.answer(false);
    expect(await result).toBeNull();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it("other errors are the caller's", async () => {
    const start = vi.fn().mockRejectedValue({ code: "auth", message: "no" });
    await expect(withConsent(start)).rejects.toEqual({ code: "auth", message: "no" });
  });
});
