import { afterEach, describe, expect, it, vi } from "vitest";
import { locale, setLocale } from "../i18n/index.svelte";
import { applySettings, localeOf } from "./apply";

afterEach(() => {
  setLocale("en");
  vi.unstubAllGlobals();
});

describe("localeOf", () => {
  it("uses the chosen language, or the system tag for system", () => {
    expect(localeOf("zh-CN", "en-US")).toBe("zh-CN");
    expect(localeOf("en", "zh-CN")).toBe("en");
    expect(localeOf("system", "zh-Hans-CN")).toBe("zh-CN");
    expect(localeOf("system", "fr-FR")).toBe("en");
    expect(localeOf("system", undefined)).toBe("en");
  });
});

describe("applySettings", () => {
  it("applies theme and language together", () => {
    applySettings({ theme: "light", language: "zh-CN" });
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(locale()).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
  });

  it("maps the system language through navigator.language", () => {
    vi.stubGlobal("navigator", { language: "zh-TW" });
    applySettings({ theme: "dark", language: "system" });
    expect(locale()).toBe("zh-CN");
    expect(document.documentElement.dataset.theme).toBe("dark");
  });
});
