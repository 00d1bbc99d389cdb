import { describe, expect, it, vi } from "vitest";
import { capQuestion, consent, questionOf, withConsent } from "./consent.svelte";

const needs = { code: "needsConfirmation", message: "m", details: { credits: 42, threshold: 10 } };
const overCap = {
  code: "spendCap",
  message: "the daily cap of 20 credits would be passed",
  details: { credits: 4.8, spent: 18, cap: 20, period: "day" },
};

describe("withConsent", () => {
  it("passes straight through when the backend agrees", async () => {
    const start = vi.fn().mockResolvedValue("ok");
    expect(await withConsent(start, { credits: 5 })).toBe("ok");
    expect(start).toHaveBeenCalledWith({ credits: 5 });
    expect(consent.question).toBeNull();
  });

  it("asks with the backend's estimate and retries with the accepted total", async () => {
    const start = vi.fn().mockRejectedValueOnce(needs).mockResolvedValueOnce(["r"]);
    const result = withConsent(start);
    await vi.waitFor(() =>
      expect(consent.question).toEqual({ kind: "threshold", credits: 42, threshold: 10 }),
    );
    consent.answer(true);
    expect(await result).toEqual(["r"]);
    expect(start).toHaveBeenLastCalledWith({ credits: 42 });
  });

  it("a threshold answer never passes a cap: the cap is asked about next, with both sent", async () => {
    const start = vi
      .fn()
      .mockRejectedValueOnce(needs)
      .mockRejectedValueOnce({ ...overCap, details: { ...overCap.details, credits: 42 } })
      .mockResolvedValueOnce(["r"]);
    const result = withConsent(start);
    await vi.waitFor(() => expect(consent.question?.kind).toBe("threshold"));
    consent.answer(true);
    await vi.waitFor(() => expect(consent.question?.kind).toBe("cap"));
    consent.answer(true);
    expect(await result).toEqual(["r"]);
    expect(start.mock.calls).toEqual([[{}], [{ credits: 42 }], [{ credits: 42, overCap: 42 }]]);
  });

  it("asks at most twice, then the refusal is the caller's", async () => {
    const start = vi.fn().mockRejectedValue(overCap);
    const result = withConsent(start);
    for (let i = 0; i < 2; i++) {
      await vi.waitFor(() => expect(consent.question).not.toBeNull());
      consent.answer(true);
    }
    await expect(result).rejects.toBe(overCap);
    expect(start).toHaveBeenCalledTimes(3);
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

describe("withConsent past a spend cap", () => {
  it("asks with what was spent, the estimate and the cap, then runs with the estimate", async () => {
    const start = vi.fn().mockRejectedValueOnce(overCap).mockResolvedValueOnce(["r2"]);
    const result = withConsent(start);
    await vi.waitFor(() =>
      expect(consent.question).toEqual({
        kind: "cap",
        credits: 4.8,
        spent: 18,
        cap: 20,
        period: "day",
      }),
    );
    consent.answer(true);
    expect(await result).toEqual(["r2"]);
    expect(start.mock.calls).toEqual([[{}], [{ credits: 4.8, overCap: 4.8 }]]);
    expect(consent.question).toBeNull();
  });

  it("declining a cap runs nothing and resolves null", async () => {
    const start = vi.fn().mockRejectedValue(overCap);
    const result = withConsent(start, { credits: 3 });
    await vi.waitFor(() => expect(consent.question?.kind).toBe("cap"));
    consent.answer(false);
    expect(await result).toBeNull();
    expect(start.mock.calls).toEqual([[{ credits: 3 }]]);
  });

  it("a cap refusal without its numbers is the caller's error, not a question", async () => {
    const bare = { code: "spendCap", message: "over", details: { credits: 2 } };
    expect(questionOf(bare as never)).toBeNull();
    const start = vi.fn().mockRejectedValue(bare);
    await expect(withConsent(start)).rejects.toBe(bare);
    expect(consent.question).toBeNull();
  });

  it("reads the monthly cap's period", () => {
    const monthly = { ...overCap, details: { ...overCap.details, period: "month" } };
    expect(questionOf(monthly as never)).toMatchObject({ kind: "cap", period: "month", cap: 20 });
  });
});

describe("capQuestion", () => {
  const spent = (daily: number | null, monthly: number | null) => ({
    today: 18,
    thisMonth: 95,
    caps: { daily, monthly },
  });

  it("names the first cap the batch would pass, daily before monthly", () => {
    expect(capQuestion(spent(20, 100), 4)).toEqual({
      kind: "cap",
      credits: 4,
      spent: 18,
      cap: 20,
      period: "day",
    });
    expect(capQuestion(spent(null, 100), 6)).toMatchObject({ period: "month", spent: 95 });
  });

  it("is null at or under the caps, and without caps", () => {
    expect(capQuestion(spent(20, 100), 2)).toBeNull();
    expect(capQuestion(spent(null, null), 1000)).toBeNull();
  });
});
