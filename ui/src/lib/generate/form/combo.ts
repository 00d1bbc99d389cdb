// Searching a combo's options: case-insensitive, every word must match, options that start
// with the query first, otherwise the schema's order. Pure.

/** The options matching `query`, at most `limit`. */
export function filterOptions(options: readonly string[], query: string, limit = 200): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return options.slice(0, limit);
  const q = query.trim().toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const option of options) {
    const o = option.toLowerCase();
    if (!words.every((w) => o.includes(w))) continue;
    (o.startsWith(q) ? starts : contains).push(option);
  }
  return [...starts, ...contains].slice(0, limit);
}
