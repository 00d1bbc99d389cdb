import { describe, expect, it } from "vitest";
import { filterFavourites, queryWords } from "./search";
import { favourite } from "./testing.svelte";

const items = [
  favourite({ id: "a", name: "Portrait studio", tags: ["people", "sdxl"] }),
  favourite({ id: "b", name: "Landscape", tags: ["nature", "upscale"] }),
  favourite({ id: "c", name: "Night city", tags: ["sdxl", "urban"] }),
];
const ids = (query: string) => filterFavourites(items, query).map((f) => f.id);

describe("filterFavourites", () => {
  it("keeps everything for an empty or blank query", () => {
    expect(ids("")).toEqual(["a", "b", "c"]);
    expect(ids("   ")).toEqual(["a", "b", "c"]);
  });

  it("matches names and tags, ignoring case and a leading #", () => {
    expect(ids("portrait")).toEqual(["a"]);
    expect(ids("SDXL")).toEqual(["a", "c"]);
    expect(ids("#nature")).toEqual(["b"]);
    expect(ids("scape")).toEqual(["b"]);
  });

  it("needs every word, each in the name or any tag", () => {
    expect(ids("sdxl night")).toEqual(["c"]);
    expect(ids("sdxl nature")).toEqual([]);
  });

  it("splits the query into words", () => {
    expect(queryWords("  Night  #City ")).toEqual(["night", "city"]);
  });
});
