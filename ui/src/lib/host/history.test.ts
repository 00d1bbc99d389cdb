import { beforeEach, describe, expect, it, vi } from "vitest";

const core = vi.hoisted(() => ({
  invoke: vi.fn(),
  isTauri: vi.fn(() => true),
  Channel: class {
    onmessage: (message: unknown) => void = () => {};
  },
}));
vi.mock("@tauri-apps/api/core", () => core);
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: () => ({}) }));

import {
  historyCount,
  historyForget,
  historyPage,
  historyRecall,
  historyRun,
  saveSpendCaps,
  spendReport,
} from "./history";

beforeEach(() => core.invoke.mockReset());

const filter = {
  statuses: ["failed" as const],
  workflow: null,
  backend: null,
  since: 1_764_633_600,
  until: null,
  text: "cat",
};

describe("history commands", () => {
  it("page with a cursor of plain numbers, which JSON can carry", async () => {
    const page = { runs: [], next: { createdAt: 1_764_700_000, runId: "r9" }, skipped: 0 };
    core.invoke.mockResolvedValueOnce(page).mockResolvedValueOnce(12);
    const after = { createdAt: 1_764_700_060, runId: "r8" };
    expect(await historyPage(filter, after, 200)).toBe(page);
    expect(await historyCount(filter)).toBe(12);
    expect(core.invoke.mock.calls).toEqual([
      ["history_page", { filter, after, limit: 200 }],
      ["history_count", { filter }],
    ]);
    // A BigInt here would make the IPC's JSON.stringify throw.
    expect(() => JSON.stringify(core.invoke.mock.calls)).not.toThrow();
  });

  it("read, recall and forget one run by its id", async () => {
    core.invoke.mockResolvedValue(true);
    await historyRun("r1");
    await historyRecall("r1");
    await historyForget("r1");
    expect(core.invoke.mock.calls).toEqual([
      ["history_run", { runId: "r1" }],
      ["history_recall", { runId: "r1" }],
      ["history_forget", { runId: "r1" }],
    ]);
  });

  it("report spend and save the caps", async () => {
    core.invoke.mockResolvedValue({});
    await spendReport("week", 1_764_547_200);
    await spendReport("workflow", null);
    await saveSpendCaps({ daily: 20, monthly: null });
    expect(core.invoke.mock.calls).toEqual([
      ["spend_report", { by: "week", since: 1_764_547_200 }],
      ["spend_report", { by: "workflow", since: null }],
      ["spend_caps_save", { caps: { daily: 20, monthly: null } }],
    ]);
  });

  it("reject with the backend's AppError", async () => {
    core.invoke.mockRejectedValueOnce({ code: "notFound", message: "no run r1" });
    await expect(historyRun("r1")).rejects.toEqual({ code: "notFound", message: "no run r1" });
  });
});
