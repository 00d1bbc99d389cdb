import { describe, expect, it } from "vitest";
import type { Settings } from "../bindings/Settings";
import { hasKeyAccount, parseFieldError, visibleFields } from "./state.svelte";
import { DEFAULT_SETTINGS } from "../testing/hostMock";

const base: Settings = { ...DEFAULT_SETTINGS };

describe("parseFieldError", () => {
  it("splits the field from the reason", () => {
    expect(parseFieldError("concurrency: 9 runs at once is outside 1–8")).toEqual({
      field: "concurrency",
      message: "9 runs at once is outside 1–8",
    });
    expect(parseFieldError('customUrl: "a: b" has no usable host name')?.message).toBe(
      '"a: b" has no usable host name',
    );
  });

  it("finds no field in other messages", () => {
    expect(parseFieldError("The settings file is damaged")).toBeNull();
    expect(parseFieldError("two words: why")).toBeNull();
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
    expect(hasKeyAccount({ ...base, backend: "custom", customUrl: "https://proxy.example" })).toBe(
      true,
    );
  });
});
