// Prompt weights as ComfyUI reads them: `(word:1.2)` sets a weight, `(word)` multiplies by 1.1,
// groups nest and multiply, `\(` is a literal parenthesis. Pure: the prompt field highlights
// the segments this returns.

export type Segment = {
  text: string;
  /** `syntax` for the brackets and `:1.2` suffixes, `text` for the words. */
  kind: "text" | "syntax";
  /** The effective weight of the words (product of the enclosing groups); 1 outside groups. */
  weight: number;
};

/** The weight `(x)` gives when it names none. */
export const IMPLIED_WEIGHT = 1.1;

const SUFFIX = /:\s*(-?\d+(?:\.\d*)?|-?\.\d+)\s*$/;

type Group = { open: number; close: number; weight: number; suffixStart: number };

function groups(text: string): Group[] {
  const found: Group[] = [];
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++; // the next character is literal
    } else if (c === "(") {
      stack.push(i);
    } else if (c === ")" && stack.length > 0) {
      const open = stack.pop()!;
      const inner = text.slice(open + 1, i);
      const m = SUFFIX.exec(inner);
      const weight = m ? Number(m[1]) : IMPLIED_WEIGHT;
      const suffixStart = m ? open + 1 + m.index : i;
      found.push({ open, close: i, weight, suffixStart });
    }
  }
  return found;
}

/** Splits a prompt into segments whose texts, joined, give back `text` exactly. */
export function tokenizePrompt(text: string): Segment[] {
  const weight = new Array<number>(text.length).fill(1);
  const syntax = new Array<boolean>(text.length).fill(false);
  for (const g of groups(text)) {
    syntax[g.open] = true;
    for (let i = g.suffixStart; i <= g.close; i++) syntax[i] = true;
    for (let i = g.open + 1; i < g.suffixStart; i++) weight[i] *= g.weight;
  }
  const segments: Segment[] = [];
  for (let i = 0; i < text.length; i++) {
    const kind = syntax[i] ? "syntax" : "text";
    const w = syntax[i] ? 1 : round(weight[i]);
    const last = segments.at(-1);
    if (last && last.kind === kind && last.weight === w) last.text += text[i];
    else segments.push({ text: text[i], kind, weight: w });
  }
  return segments;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Whether a prompt uses any weighting (so the preview is worth showing). */
export function hasWeights(segments: Segment[]): boolean {
  return segments.some((s) => s.kind === "syntax");
}

/** The highlight class of a segment: `up` above 1, `down` below, `plain` at 1. */
export function weightTone(segment: Segment): "syntax" | "up" | "down" | "plain" {
  if (segment.kind === "syntax") return "syntax";
  if (segment.weight > 1) return "up";
  if (segment.weight < 1) return "down";
  return "plain";
}
