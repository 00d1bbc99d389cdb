// The credit estimate in words. Pure.

function trim(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  return String(rounded);
}

/** A credit amount for people: at most two decimals, no trailing zeros. */
export function formatCredits(n: number): string {
  return trim(n);
}

/** "≈ 2.4 credits" for `count` runs at `perRun` each; "≈ 1 credit". */
export function formatEstimate(perRun: number, count: number): string {
  const total = trim(perRun * Math.max(1, count));
  return `≈ ${total} credit${total === "1" ? "" : "s"}`;
}

/** The tooltip: "1.2 per run × 2". */
export function estimateDetail(perRun: number, count: number): string {
  return `${trim(perRun)} per run × ${Math.max(1, count)}`;
}

/** A batch count a person typed, made valid: a whole number in 1..=max. */
export function clampCount(value: number, max = 100): number {
  if (!Number.isFinite(value)) return 1;
  return Math.min(max, Math.max(1, Math.round(value)));
}
