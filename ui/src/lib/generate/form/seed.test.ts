import { describe, expect, it } from "vitest";
import { randomSeed, SEED_MAX, seedControls, seedKey } from "./seed";

describe("seeds", () => {
  it("rolls integers in 0..2^32-1", () => {
    expect(randomSeed(() => 0)).toBe(0);
    expect(randomSeed(() => 0.999999999999)).toBe(SEED_MAX);
    expect(randomSeed(() => 0.5)).toBe(2 ** 31);
    for (let i = 0; i < 50; i++) {
      const s = randomSeed();
      expect(Number.isInteger(s) && s >= 0 && s <= SEED_MAX).toBe(true);
    }
  });

  it("sends the modes of seed fields that are not fixed", () => {
    const fields = [
      { nodeId: "3", input: "seed", kind: "seed" as const },
      { nodeId: "18", input: "seed", kind: "seed" as const },
      { nodeId: "19", input: "noise_seed", kind: "seed" as const },
      { nodeId: "3", input: "steps", kind: "integer" as const },
    ];
    const modes = {
      [seedKey("3", "seed")]: "randomize" as const,
      [seedKey("18", "seed")]: "fixed" as const,
      [seedKey("19", "noise_seed")]: "increment" as const,
      [seedKey("3", "steps")]: "decrement" as const,
    };
    expect(seedControls(fields, modes)).toEqual([
      { nodeId: "3", input: "seed", mode: "randomize" },
      { nodeId: "19", input: "noise_seed", mode: "increment" },
    ]);
    expect(seedControls(fields, {})).toEqual([]);
  });
});
