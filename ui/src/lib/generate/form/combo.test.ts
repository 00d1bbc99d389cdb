import { describe, expect, it } from "vitest";
import { filterOptions } from "./combo";

const samplers = ["euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "heun", "lcm"];

describe("filterOptions", () => {
  it("returns everything for an empty query, up to the limit", () => {
    expect(filterOptions(samplers, "")).toEqual(samplers);
    expect(filterOptions(samplers, "  ", 2)).toEqual(["euler", "euler_ancestral"]);
  });
  it("matches case-insensitively, prefixes first", () => {
    expect(filterOptions(samplers, "SDE")).toEqual(["dpmpp_2m_sde"]);
    expect(filterOptions(["a_euler", "euler"], "eul")).toEqual(["euler", "a_euler"]);
  });
  it("requires every word", () => {
    expect(filterOptions(samplers, "2m sde")).toEqual(["dpmpp_2m_sde"]);
    expect(filterOptions(samplers, "zzz")).toEqual([]);
  });
});
