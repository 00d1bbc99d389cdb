// Tags as typed in the save dialog: comma separated (Chinese commas too). Pure. The backend
// normalises case and duplicates again when it saves; this only splits and trims for the draft.

/** The tags in a comma-separated text, trimmed, without empties or repeats. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,，、]/)
    .map((tag) => tag.trim().replace(/\s+/g, " "))
    .filter((tag) => tag.length > 0);
  return [...new Set(tags)];
}

/** Tags back as the text the dialog edits. */
export function formatTags(tags: readonly string[]): string {
  return tags.join(", ");
}
