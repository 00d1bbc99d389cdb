import { describe, expect, it } from "vitest";
import type { Settings } from "../bindings/Settings";
import { fieldError, hasKeyAccount, visibleFields } from "./state.svelte";
import { DEFAULT_SETTINGS } from "../testing/hostMock";

const base: Settings = { ...DEFAULT_SETTINGS };

describe("fieldError", () => {
  it("reads the field from the error's data, never from its text", () => {
    expect(
      fieldError({
        code: "invalidSettings",
        message: "9 runs at once is outside 1–8",
        details: { field: "concurrency" },
      }),
    ).toEqual({ field: "concurrency", message: "9 runs at once is outside 1–8" });
  });

  it("finds no field in errors without one", () => {
    expect(
      fieldError({ code: "invalidSettings", message: "concurrency: looks like a field" }),
    ).toBeNull();
    expect(fieldError({ code: "io", message: "x", details: { field: "concurrency" } })).toBeNull();
  });
});

describe("visibleFields", () => {
  it("follows the service and the signing mode", () => {
    expect(visibleFields(base)).not.toContain("authMode");
    expect(visibleFields({ ...base, backend: "tams" })).toContain("region");
    const custom = visibleFields({ ...base, backend: "custom", authMode: "rsa" });
    expect(custom).toEqual(expect.arrayContaining(["customUrl", "appId", "privateKeyPath"]));
    expect(custom).not.toContain("region");
  });
});

describe("hasKeyAccount", () => {
  it("needs a service with an address", () => {
    expect(hasKeyAccount(base)).toBe(false);
    expect(hasKeyAccount({ ...base, backend: "tams" })).toBe(true);
    expect(hasKeyAccount({ ...base, backend: "custom", customUrl: "  " })).toBe(false);
    expect(hasKeyAccount({ ...base, backend: "custom", customUrl: "ftp://x" })).toBe(false);
    expect(hasKeyAccount({ ...base, backend: "comfyui" })).toBe(false);
    expect(hasKeyAccount({ ...base, backend: "comfyui", comfyuiHeader: "X-Key" })).toBe(true);
    expect(hasKeyAccount({ ...base, backend: "custom", customUrl: "https://proxy.example" })).toBe(
      true,
    );
  });
});
