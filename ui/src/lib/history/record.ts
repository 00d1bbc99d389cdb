// What a recorded run sent, made readable for the detail panel: the stored document pretty-printed
// (the stored text itself when it is not JSON, so nothing is hidden), and the uploaded local files
// read from the journal's JSON list. Pure. Leaves out the editor graph, which is only kept for
// the PNG chunks of a recalled run.

/** One local picture the run uploaded. */
export type Upload = { node: string; input: string; file: string; resource: string };

/** `text` as indented JSON, or as it is when it does not parse. */
export function prettyDocument(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const str = (value: unknown) => (typeof value === "string" ? value : "");

/** The uploads of a run (the journal stores `nodeId`, `input`, `file`, `resource`, ...); entries
 * that are not objects are left out, and text that does not parse is no uploads. */
export function uploadsOf(text: string | null): Upload[] {
  if (text === null) return [];
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list
    .filter((u): u is Record<string, unknown> => typeof u === "object" && u !== null)
    .map((u) => ({
      node: str(u.nodeId ?? u.node),
      input: str(u.input),
      file: str(u.file),
      resource: str(u.resource),
    }));
}
