import { afterEach, describe, expect, it } from "vitest";
import { catalogues, localeFor, setLocale, t } from "./index.svelte";

describe("catalogue", () => {
  afterEach(() => setLocale("en"));

  it("has every key in both languages, none empty", () => {
    const { en, "zh-CN": zh } = catalogues();
    const missingInZh = Object.keys(en).filter((k) => !(k in zh));
    const missingInEn = Object.keys(zh).filter((k) => !(k in en));
    expect(missingInZh).toEqual([]);
    expect(missingInEn).toEqual([]);
    const empty = Object.entries({ ...en, ...zh }).filter(([, v]) => v.trim() === "");
    expect(empty).toEqual([]);
  });

  it("keeps the same placeholders in both languages", () => {
    const { en, "zh-CN": zh } = catalogues();
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(en).filter(
      (k) => JSON.stringify(names(en[k])) !== JSON.stringify(names(zh[k] ?? "")),
    );
    expect(differing).toEqual([]);
  });

  it("switches language and fills placeholders", () => {
    expect(t("common.cancel")).toBe("Cancel");
    setLocale("zh-CN");
    expect(t("common.cancel")).toBe("取消");
    expect(t("no.such.key")).toBe("no.such.key");
  });

  it("maps system language tags", () => {
    expect(localeFor("zh-Hans-CN")).toBe("zh-CN");
    expect(localeFor("zh")).toBe("zh-CN");
    expect(localeFor("en-GB")).toBe("en");
    expect(localeFor(undefined)).toBe("en");
  });
});
