import { describe, expect, it } from "vitest";
import { describeError, toAppError, type ErrorCode } from "./errors";

describe("describeError", () => {
  it.each<ErrorCode>([
    "auth",
    "credits",
    "rateLimited",
    "invalidWorkflow",
    "network",
    "server",
    "noHost",
    "noKey",
    "busy",
    "keychain",
  ])("has words of its own for %s", (code) => {
    const view = describeError({ code, message: "m" });
    expect(view.title).not.toBe("Something went wrong");
    expect(view.hint).toBeTruthy();
  });

  it("falls back for unknown codes", () => {
    expect(describeError({ code: "whatever" as ErrorCode, message: "m" })).toEqual({
      title: "Something went wrong",
      hint: null,
    });
  });
});

describe("the catalogue", () => {
  it("has a title of its own for every code the backend sends", () => {
    const codes: ErrorCode[] = [
      "urlExpired",
      "badImage",
      "unsafePath",
      "invalidFavourite",
      "unsupported",
    ];
    for (const code of codes)
      expect(describeError({ code, message: "m" }).title).not.toBe("Something went wrong");
  });

  it("turns a code it does not know into unknown, keeping the message", () => {
    expect(toAppError({ code: "db", message: "locked" })).toEqual({
      code: "unknown",
      message: "locked",
    });
  });
});

describe("toAppError", () => {
  it("keeps code and message", () => {
    expect(toAppError({ code: "auth", message: "bad key", details: 1 })).toEqual({
      code: "auth",
      message: "bad key",
    });
  });
  it("wraps strings, Errors and junk", () => {
    expect(toAppError("boom")).toEqual({ code: "unknown", message: "boom" });
    expect(toAppError(new Error("kaput"))).toEqual({ code: "unknown", message: "kaput" });
    expect(toAppError(undefined).code).toBe("unknown");
    expect(toAppError(42).message).toMatch(/wrong/);
  });
});

describe("in Chinese", () => {
  it("describes errors in the UI language", async () => {
    const { setLocale } = await import("./i18n/index.svelte");
    setLocale("zh-CN");
    expect(describeError({ code: "credits", message: "m" }).title).toBe("算力不足");
    setLocale("en");
  });
});
