// What free text typed into a field becomes. Pure.

import { parseNumber } from "../inputs";

/** Text keeps the value's type: a number stays a number, except a whole number too big for a
 * double to hold exactly (a 64-bit model id), which stays text rather than losing digits. */
export function typedText(previous: unknown, text: string): unknown {
  if (typeof previous !== "number") return text;
  const n = parseNumber(text);
  if (n === null || (Number.isInteger(n) && !Number.isSafeInteger(n))) return text;
  return n;
}
