// Finding favourites by what a person types: every word must appear in the name or in a tag.
// Pure. Leaves out fuzzy matching and searching inside the workflow's values.

import type { Favourite } from "../bindings/Favourite";

/** The words of a query, lower case; a `#` before a word (as in "#portrait") is dropped. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^#/, ""))
    .filter((w) => w.length > 0);
}

/** The favourites matching `query`, in their order; all of them for an empty query. */
export function filterFavourites(items: readonly Favourite[], query: string): Favourite[] {
  const words = queryWords(query);
  if (words.length === 0) return [...items];
  return items.filter((f) => {
    const haystacks = [f.name.toLowerCase(), ...f.tags.map((tag) => tag.toLowerCase())];
    return words.every((w) => haystacks.some((h) => h.includes(w)));
  });
}
