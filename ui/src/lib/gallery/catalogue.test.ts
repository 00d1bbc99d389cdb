import { describe, expect, it } from "vitest";
import { catalogues } from "../i18n/index.svelte";

// The gallery's own sources, to find every message key they use.
const sources = import.meta.glob(["./*.svelte", "./*.ts", "!./*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function used(): string[] {
  const keys = new Set<string>();
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(/\bt\(\s*"(gallery\.[\w.]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\?\s*"(gallery\.[\w.]+)"\s*:\s*"(gallery\.[\w.]+)"/g)) {
      keys.add(m[1]);
      keys.add(m[2]);
    }
    for (const m of text.matchAll(/plural\(\s*"(gallery\.[\w.]+)"/g)) {
      keys.add(`${m[1]}.one`);
      keys.add(`${m[1]}.other`);
    }
  }
  // Keys built from values.
  for (const sort of ["newest", "oldest", "largest", "relevance"]) keys.add(`gallery.sort.${sort}`);
  for (const source of ["easel", "comfyUi", "a1111", "fooocus", "none"])
    keys.add(`gallery.source.${source}`);
  return [...keys];
}

describe("gallery messages", () => {
  it("finds the keys the gallery uses", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(used().length).toBeGreaterThan(100);
  });

  it("has every key it uses in both languages", () => {
    const { en, "zh-CN": zh } = catalogues();
    expect(used().filter((k) => !(k in en))).toEqual([]);
    expect(used().filter((k) => !(k in zh))).toEqual([]);
  });

  it("has words for the error codes the library and engine send", () => {
    const { en } = catalogues();
    const codes = ["noHost", "notFound", "io", "badImage", "unsafePath", "storage", "unknown"];
    expect(codes.filter((c) => !(`gallery.error.${c}` in en))).toEqual([]);
  });
});
