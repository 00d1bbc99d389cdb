import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobChange } from "./bindings/JobChange";
import type { JobEvent } from "./bindings/JobEvent";
import * as host from "./host";
import { Session } from "./session.svelte";
import { referenceDoc } from "./testing/reference";

vi.mock("./host", () => ({
  onJobEvent: vi.fn(),
  openDefaultWorkflow: vi.fn(),
  backendInfo: vi.fn(),
  runWorkflow: vi.fn(),
  imageUrl: (id: string) => `easel://localhost/image/${id}`,
}));

const mocked = vi.mocked(host);
let emit: (event: JobEvent) => void;
const unlisten = vi.fn();

beforeEach(() => {
  mocked.onJobEvent.mockImplementation(async (handler) => {
    emit = handler;
    return unlisten;
  });
  mocked.openDefaultWorkflow.mockResolvedValue(referenceDoc());
  mocked.backendInfo.mockResolvedValue({ kind: "demo", endpoint: "http://127.0.0.1:4000" });
  mocked.runWorkflow.mockResolvedValue("run-1");
});

afterEach(() => vi.useRealTimers());

const ev = (change: JobChange, runId = "run-1"): JobEvent => ({ runId, change });

async function started(options = {}) {
  const s = new Session(options);
  await s.start();
  return s;
}

describe("Session.start", () => {
  it("listens first, then loads the workflow and backend", async () => {
    const s = await started();
    expect(mocked.onJobEvent).toHaveBeenCalledBefore(mocked.openDefaultWorkflow);
    expect(s.load).toBe("ready");
    expect(s.doc?.nodes).toHaveLength(11);
    expect(s.backend).toEqual({ kind: "demo", endpoint: "http://127.0.0.1:4000" });
    expect(s.canRun).toBe(true);
    s.dispose();
    expect(unlisten).toHaveBeenCalled();
  });

  it("shows a load failure as an error", async () => {
    mocked.openDefaultWorkflow.mockRejectedValue({ code: "server", message: "no file" });
    const s = await started();
    expect(s.load).toBe("failed");
    expect(s.error).toEqual({ code: "server", message: "no file" });
    expect(s.canRun).toBe(false);
  });

  it("still opens the workflow when the backend info fails", async () => {
    mocked.backendInfo.mockRejectedValue({ code: "server", message: "x" });
    const s = await started();
    expect(s.load).toBe("ready");
    expect(s.backend).toBeNull();
  });
});

describe("editing", () => {
  it("edits literals in place, tracks and resets modifications", async () => {
    const s = await started();
    expect(s.isModified("3", "seed")).toBe(false);
    s.setValue("3", "seed", 7);
    const seed = s.doc!.nodes.find((n) => n.id === "3")!.inputs.find((i) => i.name === "seed");
    expect(seed).toMatchObject({ kind: "value", value: 7 });
    expect(s.isModified("3", "seed")).toBe(true);
    s.resetValue("3", "seed");
    expect(s.isModified("3", "seed")).toBe(false);
  });

  it("never turns a link into a value", async () => {
    const s = await started();
    s.setValue("3", "model", 1);
    const model = s.doc!.nodes.find((n) => n.id === "3")!.inputs.find((i) => i.name === "model");
    expect(model).toEqual({ kind: "link", name: "model", node: "14", output: 0 });
    expect(s.isModified("3", "model")).toBe(false);
  });

  it("selects nodes", async () => {
    const s = await started();
    s.select("6");
    expect(s.selected?.classType).toBe("CLIPTextEncode");
    s.select(null);
    expect(s.selected).toBeNull();
  });
});

describe("running", () => {
  it("sends the edited workflow as plain data", async () => {
    const s = await started();
    s.setValue("6", "text", "a lighthouse at dusk");
    await s.runNow();
    const sent = mocked.runWorkflow.mock.calls[0][0];
    const text = sent.nodes.find((n) => n.id === "6")!.inputs.find((i) => i.name === "text");
    expect(text).toMatchObject({ value: "a lighthouse at dusk" });
    expect(structuredClone(sent)).toEqual(sent);
  });

  it("is queued at once, then follows its own events only", async () => {
    const s = await started();
    const pending = s.runNow();
    expect(s.run.phase).toBe("queued");
    expect(s.active).toBe(true);
    expect(s.canRun).toBe(false);
    await pending;
    emit(ev({ kind: "submitted", jobId: "job-9" }));
    emit(ev({ kind: "canceled" }, "someone-else"));
    emit(ev({ kind: "node", nodeId: "4", status: "running", progress: 0.5, overall: 0.1 }));
    expect(s.run).toMatchObject({ phase: "running", jobId: "job-9", current: "4" });
  });

  it("replays events that arrived before the run id", async () => {
    let resolve!: (id: string) => void;
    mocked.runWorkflow.mockReturnValue(new Promise((r) => (resolve = r)));
    const s = await started();
    const pending = s.runNow();
    emit(ev({ kind: "queued", nodes: ["4", "9"] }));
    emit(ev({ kind: "submitted", jobId: "j" }));
    emit(ev({ kind: "failed", code: "x", message: "an older run" }, "run-0"));
    expect(s.run.phase).toBe("queued");
    resolve("run-1");
    await pending;
    expect(s.run).toMatchObject({ phase: "submitted", jobId: "j", order: ["4", "9"] });
  });

  it("turns a rejected run into a failed run and a banner", async () => {
    mocked.runWorkflow.mockRejectedValue({ code: "invalidWorkflow", message: "node 3: steps" });
    const s = await started();
    await s.runNow();
    expect(s.run).toMatchObject({ phase: "failed", error: { code: "invalidWorkflow" } });
    expect(s.error).toEqual({ code: "invalidWorkflow", message: "node 3: steps" });
    expect(s.canRun).toBe(true);
    s.dismissError();
    expect(s.error).toBeNull();
  });

  it("shows a failed job in the banner and clears it on the next run", async () => {
    const s = await started();
    await s.runNow();
    emit(ev({ kind: "failed", code: "credits", message: "balance 0" }));
    expect(s.error).toEqual({ code: "credits", message: "balance 0" });
    mocked.runWorkflow.mockResolvedValue("run-2");
    await s.runNow();
    expect(s.error).toBeNull();
    expect(s.run.phase).toBe("queued");
  });

  it("does not start twice", async () => {
    const s = await started();
    await s.runNow();
    await s.runNow();
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(1);
  });

  it("times the run with a ticking clock that stops at the verdict", async () => {
    vi.useFakeTimers();
    let t = 1_000;
    const s = await started({ clock: () => t, tickMs: 100 });
    await s.runNow();
    t = 3_500;
    vi.advanceTimersByTime(100);
    expect(s.elapsedMs).toBe(2_500);
    emit(
      ev({
        kind: "imageSaved",
        image: { id: "i1", path: "/p", nodeId: "9", width: 1024, height: 1536 },
      }),
    );
    emit(ev({ kind: "succeeded", credits: null, images: 1 }));
    t = 9_000;
    vi.advanceTimersByTime(1_000);
    expect(s.elapsedMs).toBe(2_500);
    expect(s.run.phase).toBe("succeeded");
    expect(vi.getTimerCount()).toBe(0);
  });
});
