import { beforeEach, describe, expect, it, vi } from "vitest";

const core = vi.hoisted(() => ({ invoke: vi.fn(), isTauri: vi.fn(() => true), Channel: class {} }));
vi.mock("@tauri-apps/api/core", () => core);

import { cancelQueue, pauseQueue, queueState, sendRunsBack } from "./queue";

beforeEach(() => {
  core.invoke.mockReset();
  core.isTauri.mockReturnValue(true);
});

describe("queue door", () => {
  it("invokes the queue commands with their named arguments and passes the answers on", async () => {
    const state = { paused: true, runs: [] };
    core.invoke
      .mockResolvedValueOnce(true)
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce(["a", "b"])
      .mockResolvedValueOnce(state);
    expect(await pauseQueue(true)).toBe(true);
    await sendRunsBack(["b", "a"]);
    expect(await cancelQueue(false)).toEqual(["a", "b"]);
    expect(await queueState()).toBe(state);
    expect(core.invoke.mock.calls).toEqual([
      ["queue_pause", { paused: true }],
      ["queue_send_back", { last: ["b", "a"] }],
      ["queue_cancel", { running: false }],
      ["queue_state", undefined],
    ]);
  });

  it("rejects with noHost outside the app and turns a refusal into an AppError", async () => {
    core.isTauri.mockReturnValue(false);
    await expect(queueState()).rejects.toMatchObject({ code: "noHost" });
    expect(core.invoke).not.toHaveBeenCalled();
    core.isTauri.mockReturnValue(true);
    core.invoke.mockRejectedValueOnce({ code: "storage", message: "disk full" });
    await expect(pauseQueue(true)).rejects.toEqual({ code: "storage", message: "disk full" });
  });
});
