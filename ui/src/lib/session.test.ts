import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OpenedWorkflow } from "./bindings/OpenedWorkflow";
import type { Inspection } from "./bindings/Inspection";
import type { JobChange } from "./bindings/JobChange";
import type { JobEvent } from "./bindings/JobEvent";
import * as host from "./host";
import * as historyHost from "./host/history";
import * as queueHost from "./host/queue";
import * as sweepHost from "./host/sweep";
import { Session } from "./session.svelte";
import { stubFrames, type Frames } from "./testing/frames";
import { historyRun } from "./testing/historyRun";
import { TAMS_CAPABILITIES, channelOf, demoBackend } from "./testing/hostMock";
import { inspection, readiness } from "./testing/inspection";
import { referenceDoc, openedDoc } from "./testing/reference";

vi.mock("./host", async () => (await import("./testing/hostMock")).hostMock());
vi.mock("./host/settings", async () => (await import("./testing/hostMock")).settingsMock());
vi.mock("./host/history", () => ({ spendReport: vi.fn() }));
vi.mock("./host/queue", async () => (await import("./testing/hostMock")).queueMock());
vi.mock("./host/sweep", () => ({ sweepAxis: vi.fn(), sweepQuote: vi.fn(), sweepGrid: vi.fn() }));

const mocked = vi.mocked(host);
let emit: (event: JobEvent) => void;
const unlisten = vi.fn();
const stopDrops = vi.fn();
let drop: Parameters<typeof host.onFileDrop>[0];
let frames: Frames;

beforeEach(() => {
  frames = stubFrames();
  mocked.onJobEvent.mockImplementation(async (handler) => {
    // Each event in a frame of its own, as a slow stream would come (run/runs.svelte.test.ts
    // has bursts in one frame).
    emit = (event) => {
      handler(event);
      frames.next();
    };
    return unlisten;
  });
  mocked.openDefaultWorkflow.mockResolvedValue(openedDoc());
  mocked.backendInfo.mockResolvedValue(demoBackend());
  mocked.onFileDrop.mockImplementation(async (handlers) => {
    drop = handlers;
    return stopDrops;
  });
  mocked.runWorkflow.mockResolvedValue(["run-1"]);
  inspect({});
  mocked.cancelRun.mockResolvedValue(true);
});

// Every session a test starts is disposed after it: a session left running keeps its debounced
// form refresh (a real 300 ms timer after an edit), which would otherwise fire during a later
// test and count as that test's inspections.
const sessions: Session[] = [];

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** What the mocked backend answers about the edited graph from now on. */
function inspect(answer: Partial<Inspection>) {
  mocked.inspectWorkflow.mockResolvedValue(inspection({ credits: 1.2, ...answer }));
}

const ev = (change: JobChange, runId = "run-1"): JobEvent => ({ runId, change });

/** Sends `event` on the channel of the latest Run (or of the `n`th run_workflow call), and lets
 * the frame that applies it come. */
function send(event: JobEvent, n?: number) {
  channelOf(mocked.runWorkflow, n)(event);
  frames.next();
}

function session(options = {}) {
  const s = new Session(options);
  sessions.push(s);
  return s;
}

async function started(options = {}) {
  const s = session(options);
  await s.start();
  return s;
}

describe("Session.start", () => {
  it("listens first, then loads the workflow and backend", async () => {
    const s = await started();
    expect(mocked.onJobEvent).toHaveBeenCalledBefore(mocked.openDefaultWorkflow);
    expect(s.document.load).toBe("ready");
    expect(s.document.doc?.nodes).toHaveLength(11);
    expect(s.app.backend).toEqual({
      kind: "demo",
      endpoint: "http://127.0.0.1:4000",
      capabilities: TAMS_CAPABILITIES,
      library: "/lib",
      notice: null,
    });
    expect(s.canRun).toBe(true);
    s.dispose();
    expect(unlisten).toHaveBeenCalled();
    expect(stopDrops).toHaveBeenCalled();
  });

  it("takes in the runs a previous session left once listening, then follows their events", async () => {
    vi.mocked(queueHost).queueState.mockResolvedValueOnce({
      paused: true,
      runs: [historyRun("left", { status: "submitted" })],
    });
    const s = await started();
    expect(mocked.onJobEvent).toHaveBeenCalledBefore(vi.mocked(queueHost).queueState);
    expect(s.runs.paused).toBe(true);
    expect(s.runs.queue.items.map((i) => `${i.runId}:${i.state.phase}`)).toEqual([
      "left:submitted",
    ]);
    emit(ev({ kind: "succeeded", credits: 2.4, images: 1 }, "left"));
    expect(s.runs.queue.items.map((i) => `${i.runId}:${i.state.phase}`)).toEqual([
      "left:succeeded",
    ]);
    expect(s.runs.active).toBe(false);
  });

  it("shows a load failure as an error", async () => {
    mocked.openDefaultWorkflow.mockRejectedValue({ code: "server", message: "no file" });
    const s = await started();
    expect(s.document.load).toBe("failed");
    expect(s.error).toEqual({ code: "server", message: "no file" });
    expect(s.canRun).toBe(false);
  });

  it("still opens the workflow when the backend info fails", async () => {
    mocked.backendInfo.mockRejectedValue({ code: "server", message: "x" });
    const s = await started();
    expect(s.document.load).toBe("ready");
    expect(s.app.backend).toBeNull();
  });
});

describe("editing", () => {
  it("edits literals in place, tracks and resets modifications", async () => {
    const s = await started();
    expect(s.document.isModified("3", "seed")).toBe(false);
    s.document.setValue("3", "seed", 7);
    const seed = s.document
      .doc!.nodes.find((n) => n.id === "3")!
      .inputs.find((i) => i.name === "seed");
    expect(seed).toMatchObject({ kind: "value", value: 7 });
    expect(s.document.isModified("3", "seed")).toBe(true);
    s.document.resetValue("3", "seed");
    expect(s.document.isModified("3", "seed")).toBe(false);
  });

  it("never turns a link into a value", async () => {
    const s = await started();
    s.document.setValue("3", "model", 1);
    const model = s.document
      .doc!.nodes.find((n) => n.id === "3")!
      .inputs.find((i) => i.name === "model");
    expect(model).toEqual({ kind: "link", name: "model", node: "14", output: 0 });
    expect(s.document.isModified("3", "model")).toBe(false);
  });

  it("selects nodes", async () => {
    const s = await started();
    s.document.select("6");
    expect(s.document.selected?.classType).toBe("CLIPTextEncode");
    s.document.select(null);
    expect(s.document.selected).toBeNull();
  });
});

describe("running", () => {
  it("runs next: the document as Run sends it, its runs then moved to the front", async () => {
    const s = await started();
    expect(s.runs.canRunNext).toBe(true);
    await s.runNow();
    mocked.runWorkflow.mockResolvedValue(["run-2", "run-3"]);
    await s.runs.runNext();
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(2);
    expect(mocked.runWorkflow.mock.calls[1][0]).toEqual(mocked.runWorkflow.mock.calls[0][0]);
    expect(mocked.reorderRuns).toHaveBeenCalledWith(["run-2", "run-3"]);
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["run-2", "run-3", "run-1"]);
  });

  it("sends the edited workflow as plain data", async () => {
    const s = await started();
    s.document.setValue("6", "text", "a lighthouse at dusk");
    await s.runNow();
    const sent = mocked.runWorkflow.mock.calls[0][0];
    const text = sent.nodes.find((n) => n.id === "6")!.inputs.find((i) => i.name === "text");
    expect(text).toMatchObject({ value: "a lighthouse at dusk" });
    expect(structuredClone(sent)).toEqual(sent);
  });

  it("is queued at once, then follows its own channel only", async () => {
    const s = await started();
    const pending = s.runNow();
    expect(s.runs.run.phase).toBe("queued");
    expect(s.runs.active).toBe(true);
    expect(s.canRun).toBe(true);
    await pending;
    send(ev({ kind: "submitted", jobId: "job-9" }));
    emit(ev({ kind: "canceled" }, "someone-else"));
    send(ev({ kind: "node", nodeId: "4", status: "running", progress: 0.5, overall: 0.1 }));
    expect(s.runs.run).toMatchObject({ phase: "running", jobId: "job-9", current: "4" });
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["run-1"]);
  });

  it("follows events that arrive on the channel before the run ids", async () => {
    let resolve!: (ids: string[]) => void;
    mocked.runWorkflow.mockReturnValue(new Promise((r) => (resolve = r)));
    const s = await started();
    const pending = s.runNow();
    await vi.waitFor(() => expect(mocked.runWorkflow).toHaveBeenCalled());
    send(ev({ kind: "queued", nodes: ["4", "9"] }));
    send(ev({ kind: "submitted", jobId: "j" }));
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["run-1"]);
    expect(s.runs.run).toMatchObject({ phase: "submitted", jobId: "j", order: ["4", "9"] });
    resolve(["run-1"]);
    await pending;
    expect(s.runs.queue.items).toHaveLength(1);
    expect(s.runs.run).toMatchObject({ phase: "submitted", jobId: "j", order: ["4", "9"] });
  });

  it("updates runs it knows from the global listener, and no others", async () => {
    const s = await started();
    await s.runNow();
    // An unknown run's first word asks for the queue again (the journal has no such run here:
    // it ended), holding what comes meanwhile; then the known run takes its event.
    emit(ev({ kind: "queued", nodes: ["4"] }, "resumed-at-launch"));
    emit(ev({ kind: "submitted", jobId: "j" }));
    await vi.waitFor(() => {
      frames.next();
      expect(s.runs.run).toMatchObject({ phase: "submitted", jobId: "j" });
    });
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["run-1"]);
  });

  it("turns a rejected run into a failed run and a banner", async () => {
    mocked.runWorkflow.mockRejectedValue({ code: "invalidWorkflow", message: "node 3: steps" });
    const s = await started();
    await s.runNow();
    expect(s.runs.run).toMatchObject({ phase: "failed", error: { code: "invalidWorkflow" } });
    expect(s.error).toEqual({ code: "invalidWorkflow", message: "node 3: steps" });
    expect(s.canRun).toBe(true);
    s.dismissError();
    expect(s.error).toBeNull();
  });

  it("shows a failed job in the banner and clears it on the next run", async () => {
    const s = await started();
    await s.runNow();
    send(ev({ kind: "failed", code: "credits", message: "balance 0" }));
    expect(s.error).toEqual({ code: "credits", message: "balance 0" });
    mocked.runWorkflow.mockResolvedValue(["run-2"]);
    await s.runNow();
    expect(s.error).toBeNull();
    expect(s.runs.run.phase).toBe("queued");
  });

  it("queues a second batch while the first runs, each following its own channel", async () => {
    const answers: ((ids: string[]) => void)[] = [];
    mocked.runWorkflow.mockImplementation(() => new Promise((r) => answers.push(r)));
    const s = await started();
    const first = s.runNow();
    const second = s.runNow();
    await vi.waitFor(() => expect(mocked.runWorkflow).toHaveBeenCalledTimes(2));
    send(ev({ kind: "queued", nodes: ["4"] }, "run-2"), 1);
    send(ev({ kind: "submitted", jobId: "j2" }, "run-2"), 1);
    send(ev({ kind: "queued", nodes: ["4"] }, "run-1"), 0);
    send(ev({ kind: "submitted", jobId: "j1" }, "run-1"), 0);
    answers[0](["run-1"]);
    await first;
    expect(s.runs.queue.items.find((i) => i.runId === "run-1")).toMatchObject({
      batch: 1,
      state: { phase: "submitted", jobId: "j1" },
    });
    answers[1](["run-2"]);
    await second;
    expect(s.runs.queue.items.find((i) => i.runId === "run-2")).toMatchObject({
      batch: 2,
      state: { phase: "submitted", jobId: "j2" },
    });
  });

  it("times the run with a ticking clock that stops at the verdict", async () => {
    vi.useFakeTimers();
    let t = 1_000;
    const s = await started({ clock: () => t, tickMs: 100 });
    await s.runNow();
    t = 3_500;
    vi.advanceTimersByTime(100);
    expect(s.runs.elapsedMs).toBe(2_500);
    send(
      ev({
        kind: "imageSaved",
        image: { id: 1, path: "/p", nodeId: "9", width: 1024, height: 1536 },
      }),
    );
    send(ev({ kind: "succeeded", credits: null, images: 1 }));
    // Fake timers stand in for the frames too: the verdict applies at the next one.
    vi.advanceTimersToNextFrame();
    t = 9_000;
    vi.advanceTimersByTime(1_000);
    expect(s.runs.elapsedMs).toBe(2_500);
    expect(s.runs.run.phase).toBe("succeeded");
    expect(vi.getTimerCount()).toBe(0);
  });
});

const problem = (nodeId: string, input: string | null, message = "bad") => ({
  severity: "error" as const,
  code: "outOfRange",
  nodeId,
  nodeTitle: null,
  classType: null,
  input,
  message,
});

const seedField = {
  nodeId: "3",
  nodeTitle: "KSampler",
  classType: "KSampler",
  input: "seed",
  kind: "seed" as const,
  value: 12345,
  default: 0,
  min: 0,
  max: 2 ** 64 - 1,
  step: 1,
  options: [],
  multiline: false,
  modelType: null,
  required: true,
};

describe("batches", () => {
  it("sends the count and the seed modes, and follows every run of the batch", async () => {
    inspect({ fields: [seedField] });
    mocked.runWorkflow.mockResolvedValue(["a", "b"]);
    const s = await started();
    await Promise.resolve();
    s.document.form.setCount(2);
    s.document.form.setSeedMode("3", "seed", "increment");
    await s.runNow();
    expect(mocked.runWorkflow.mock.calls[0][1]).toEqual({
      count: 2,
      seeds: [{ nodeId: "3", input: "seed", mode: "increment" }],
      wildcards: "seeded",
    });
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["a", "b"]);
    send(ev({ kind: "node", nodeId: "4", status: "running", progress: 0.1, overall: 0.1 }, "b"));
    send(ev({ kind: "succeeded", credits: 1, images: 1 }, "a"));
    expect(s.runs.run.phase).toBe("running");
    expect(s.runs.active).toBe(true);
    send(ev({ kind: "failed", code: "jobFailed", message: "b broke" }, "b"));
    expect(s.runs.active).toBe(false);
    expect(s.error?.message).toBe("b broke");
    expect(s.runs.queue.items.map((i) => i.state.phase)).toEqual(["succeeded", "failed"]);
  });

  it("collects the images of the whole batch", async () => {
    mocked.runWorkflow.mockResolvedValue(["a", "b"]);
    const s = await started();
    await s.runNow();
    const image = (id: number) => ({ id, path: `/${id}`, nodeId: "9", width: 8, height: 8 });
    send(ev({ kind: "imageSaved", image: image(1) }, "a"));
    send(ev({ kind: "imageSaved", image: image(2) }, "b"));
    expect(s.runs.images.map((i) => i.id)).toEqual([1, 2]);
  });

  it("cancels every active run, or one", async () => {
    mocked.runWorkflow.mockResolvedValue(["a", "b"]);
    const s = await started();
    await s.runNow();
    send(ev({ kind: "canceled" }, "a"));
    await s.runs.cancel();
    expect(mocked.cancelRun.mock.calls).toEqual([["b"]]);
    await s.runs.cancel("b");
    expect(mocked.cancelRun).toHaveBeenCalledTimes(2);
    mocked.cancelRun.mockRejectedValue({ code: "server", message: "nope" });
    await s.runs.cancel();
    expect(s.error).toEqual({ code: "server", message: "nope" });
  });

  it("cancels once the ids arrive when Cancel comes first", async () => {
    let resolve!: (ids: string[]) => void;
    mocked.runWorkflow.mockReturnValue(new Promise((r) => (resolve = r)));
    const s = await started();
    const pending = s.runNow();
    await s.runs.cancel();
    expect(mocked.cancelRun).not.toHaveBeenCalled();
    resolve(["a"]);
    await pending;
    expect(mocked.cancelRun).toHaveBeenCalledWith("a");
  });

  it("cancels the runs of a starting batch as they appear on its channel, once each", async () => {
    let resolve!: (ids: string[]) => void;
    mocked.runWorkflow.mockReturnValue(new Promise((r) => (resolve = r)));
    const s = await started();
    const pending = s.runNow();
    await vi.waitFor(() => expect(mocked.runWorkflow).toHaveBeenCalled());
    send(ev({ kind: "queued", nodes: ["4"] }, "a"));
    await s.runs.cancel();
    expect(mocked.cancelRun.mock.calls).toEqual([["a"]]);
    send(ev({ kind: "queued", nodes: ["4"] }, "b"));
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"]]);
    resolve(["a", "b", "c"]);
    await pending;
    expect(mocked.cancelRun.mock.calls).toEqual([["a"], ["b"], ["c"]]);
    send(ev({ kind: "canceled" }, "a"));
    send(ev({ kind: "canceled" }, "b"));
    send(ev({ kind: "canceled" }, "c"));
    expect(s.runs.active).toBe(false);
  });
});

describe("form", () => {
  it("loads fields, problems and the estimate on open, and refreshes after edits", async () => {
    vi.useFakeTimers();
    inspect({ fields: [seedField], problems: [problem("3", "steps")] });
    const s = await started({ refreshMs: 200 });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.document.form.fields).toHaveLength(1);
    expect(s.document.form.field("3", "seed")?.kind).toBe("seed");
    expect(s.document.form.problemsOf("3", "steps")).toHaveLength(1);
    expect(s.document.form.perRun).toBe(1.2);
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(1);

    inspect({
      fields: [seedField],
      credits: null,
      estimateError: { code: "network", message: "x" },
    });
    s.document.setValue("3", "steps", 20);
    s.document.setValue("3", "steps", 25);
    await vi.advanceTimersByTimeAsync(100);
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(150);
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(2);
    const sent = mocked.inspectWorkflow.mock.calls[1][0];
    expect(
      sent.nodes.find((n) => n.id === "3")!.inputs.find((i) => i.name === "steps"),
    ).toMatchObject({ value: 25 });
    expect(s.document.form.problems).toEqual([]);
    expect(s.document.form.perRun).toBeNull();
    s.dispose();
  });

  it("drops answers that a newer refresh overtook", async () => {
    let slow!: (answer: Inspection) => void;
    mocked.inspectWorkflow.mockReturnValueOnce(new Promise((r) => (slow = r)));
    const s = await started();
    inspect({ problems: [problem("3", "cfg", "new")] });
    await s.document.form.refresh(s.document.doc!);
    slow(inspection());
    await Promise.resolve();
    expect(s.document.form.problems.map((p) => p.message)).toEqual(["new"]);
  });

  it("clamps the batch count", async () => {
    const s = await started();
    s.document.form.setCount(0);
    expect(s.document.form.count).toBe(1);
    s.document.form.setCount(7.4);
    expect(s.document.form.count).toBe(7);
  });
});

describe("readiness", () => {
  it("refuses to run while the latest inspection says the workflow cannot run as it stands", async () => {
    inspect({ readiness: readiness({ ready: false, unmapped: 1 }) });
    const s = await started();
    await vi.waitFor(() => expect(s.document.form.readiness?.unmapped).toBe(1));
    expect(s.canRun).toBe(false);
    await s.runNow();
    expect(mocked.runWorkflow).not.toHaveBeenCalled();
    expect(s.runs.queue.items).toEqual([]);

    inspect({});
    await s.document.form.refresh(s.document.doc!);
    expect(s.canRun).toBe(true);
    await s.runNow();
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(1);
  });

  it("does not block a workflow whose first inspection has not answered yet", async () => {
    inspect({ readiness: readiness({ ready: false, errors: 2 }) });
    const s = await started();
    await vi.waitFor(() => expect(s.canRun).toBe(false));
    mocked.inspectWorkflow.mockReturnValue(new Promise(() => {}));
    mocked.openWorkflowFile.mockResolvedValue(openedDoc());
    await s.openFile("/tmp/other.json");
    expect(s.document.form.readiness).toBeNull();
    expect(s.canRun).toBe(true);
  });
});

describe("opening", () => {
  const opened = (name: string) => ({
    doc: { ...referenceDoc(), name },
    format: "comfyApi" as never,
    warnings: ["dropped 2 notes"],
    fields: [],
  });

  it("opens a dropped file with its warnings and problems", async () => {
    // Opening inspects at once; no timer of this test (or a late one) may add an inspection.
    vi.useFakeTimers();
    mocked.openWorkflowFile.mockResolvedValue(opened("dropped"));
    inspect({ problems: [problem("3", "seed", "from the first inspection")] });
    const s = await started();
    drop.hover?.(true);
    expect(s.dropping).toBe(true);
    drop.hover?.(false);
    drop.drop(["/tmp/dropped.png", "/tmp/other.json"], { x: 10, y: 10 });
    await Promise.resolve();
    await Promise.resolve();
    expect(mocked.openWorkflowFile).toHaveBeenCalledWith("/tmp/dropped.png");
    expect(s.document.doc?.name).toBe("dropped");
    expect(s.document.warnings).toEqual(["dropped 2 notes"]);
    await vi.waitFor(() =>
      expect(s.document.form.problemsOf("3", "seed")[0]?.message).toBe("from the first inspection"),
    );
    expect(mocked.inspectWorkflow).toHaveBeenCalledTimes(2); // the default workflow, then this one
    expect(mocked.inspectWorkflow.mock.calls[1][0].name).toBe("dropped");
    expect(vi.getTimerCount()).toBe(0);
    s.document.dismissWarnings();
    expect(s.document.warnings).toEqual([]);
  });

  it("shows the form the backend made on opening before the first inspection answers", async () => {
    const s = await started();
    mocked.inspectWorkflow.mockReturnValue(new Promise(() => {}));
    mocked.openWorkflowFile.mockResolvedValue({ ...openedDoc(), fields: [seedField] });
    await s.openFile("/tmp/a.json");
    expect(s.document.form.field("3", "seed")?.kind).toBe("seed");
  });

  it("imports pasted text under a name", async () => {
    mocked.importWorkflowText.mockResolvedValue(opened("Pasted workflow"));
    const s = await started();
    await s.pasteText('{"3": {}}');
    expect(mocked.importWorkflowText).toHaveBeenCalledWith("Pasted workflow", '{"3": {}}');
    expect(s.document.doc?.name).toBe("Pasted workflow");
  });

  it("shows a located import error in the banner and keeps the open workflow", async () => {
    mocked.openWorkflowFile.mockRejectedValue({
      code: "invalidWorkflow",
      message: "bad.json: node 7: input seed: expected a number",
    });
    const s = await started();
    await s.openFile("/tmp/bad.json");
    expect(s.error).toEqual({
      code: "invalidWorkflow",
      message: "bad.json: node 7: input seed: expected a number",
    });
    expect(s.document.doc?.nodes).toHaveLength(11);
  });
});

describe("cost, retry, order, outside runs and notifications", () => {
  it("asks before a batch above the threshold and runs only once accepted", async () => {
    inspect({ credits: 4 });
    const s = await started();
    await vi.waitFor(() => expect(s.document.form.perRun).toBe(4));
    s.document.form.setCount(3);
    const declined = s.runNow();
    await vi.waitFor(() =>
      expect(s.confirming).toEqual({ kind: "threshold", credits: 12, threshold: 10 }),
    );
    expect(mocked.runWorkflow).not.toHaveBeenCalled();
    s.declineRun();
    await declined;
    expect(s.confirming).toBeNull();
    expect(mocked.runWorkflow).not.toHaveBeenCalled();
    const accepted = s.runNow();
    await vi.waitFor(() => expect(s.confirming).not.toBeNull());
    s.confirmRun();
    await accepted;
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(1);
    expect(mocked.runWorkflow.mock.calls[0][1]).toMatchObject({ count: 3, approvedCredits: 12 });
    expect(s.confirming).toBeNull();
  });

  it("asks about the daily cap, not the threshold, when the batch would pass it", async () => {
    vi.mocked(historyHost.spendReport).mockResolvedValue({
      by: "day",
      rows: [],
      total: { key: "total", runs: 0, failed: 0, charged: 0, estimated: 0, pending: 0 },
      today: 15,
      thisMonth: 15,
      caps: { daily: 20, monthly: null },
    });
    inspect({ credits: 4 });
    const s = await started();
    await vi.waitFor(() => expect(s.document.form.perRun).toBe(4));
    s.document.form.setCount(3);
    const run = s.runNow();
    await vi.waitFor(() =>
      expect(s.confirming).toEqual({ kind: "cap", credits: 12, spent: 15, cap: 20, period: "day" }),
    );
    expect(mocked.runWorkflow).not.toHaveBeenCalled();
    s.confirmRun();
    await run;
    expect(mocked.runWorkflow.mock.calls[0][1]).toMatchObject({ approvedCredits: 12 });
  });

  it("asks when the backend's own estimate needs agreement, then runs with the accepted total", async () => {
    mocked.runWorkflow.mockRejectedValueOnce({
      code: "needsConfirmation",
      message: "not approved",
      details: { credits: 30, threshold: 10 },
    });
    mocked.runWorkflow.mockResolvedValueOnce(["r1"]);
    const s = await started();
    const run = s.runNow();
    await vi.waitFor(() =>
      expect(s.confirming).toEqual({ kind: "threshold", credits: 30, threshold: 10 }),
    );
    s.confirmRun();
    await run;
    expect(mocked.runWorkflow).toHaveBeenCalledTimes(2);
    expect(mocked.runWorkflow.mock.calls[1][1]).toMatchObject({ approvedCredits: 30 });
    expect(s.error).toBeNull();
  });

  it("retries a run as a new batch and reorders pending runs", async () => {
    mocked.runWorkflow.mockResolvedValue(["a", "b", "c"]);
    mocked.retryRun.mockImplementation(async (_runId, onEvent) => {
      onEvent(ev({ kind: "queued", nodes: ["4", "9"] }, "a2"));
      return "a2";
    });
    const s = await started();
    await s.runNow();
    send(ev({ kind: "queued", nodes: ["4"] }, "a"));
    send(ev({ kind: "queued", nodes: ["4"] }, "b"));
    send(ev({ kind: "queued", nodes: ["4"] }, "c"));
    await s.runs.move("c", -1);
    expect(mocked.reorderRuns).toHaveBeenCalledWith(["a", "c", "b"]);
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["a", "c", "b"]);
    await s.runs.retry("b");
    expect(s.runs.queue.items.at(-1)).toMatchObject({ runId: "a2", batch: 2 });
    expect(s.runs.run).toMatchObject({ phase: "queued", order: ["4", "9"] });
    channelOf(mocked.retryRun)(ev({ kind: "submitted", jobId: "j" }, "a2"));
    frames.next();
    expect(s.runs.run).toMatchObject({ phase: "submitted", jobId: "j" });
    mocked.retryRun.mockRejectedValue({ code: "notFound", message: "no run b" });
    await s.runs.retry("b");
    expect(s.error?.code).toBe("notFound");
    expect(s.runs.queue.batches.map((b) => b.batch)).toEqual([1, 2]);
  });

  it("follows runs another view starts, from the moment the call is sent", async () => {
    const s = await started();
    let resolve!: (ids: string[]) => void;
    const started_ = s.runs.follow(
      (onEvent) =>
        new Promise((r) => {
          resolve = r;
          onEvent(ev({ kind: "queued", nodes: ["4", "9"] }, "fav-1"));
        }),
    );
    expect(s.runs.active).toBe(true);
    frames.next();
    expect(s.runs.run).toMatchObject({ phase: "queued", order: ["4", "9"] });
    resolve(["fav-1"]);
    expect(await started_).toEqual(["fav-1"]);
    await expect(s.runs.follow(async () => Promise.reject(new Error("refused")))).rejects.toThrow(
      "refused",
    );
    expect(s.runs.queue.batches.map((b) => b.batch)).toEqual([1]);
  });

  it("notifies when runs end while the window is in the background", async () => {
    let focused = true;
    const s = await started({ focused: () => focused });
    await s.runNow();
    send(ev({ kind: "succeeded", credits: 1, images: 1 }));
    expect(mocked.notify).not.toHaveBeenCalled();
    focused = false;
    mocked.runWorkflow.mockResolvedValue(["run-2"]);
    await s.runNow();
    send(ev({ kind: "failed", code: "credits", message: "Balance is 0" }, "run-2"));
    expect(mocked.notify).toHaveBeenCalledTimes(1);
    expect(mocked.notify.mock.calls[0][0]).toMatch(/failed/i);
  });

  it("opens from the dialog and refreshes the recent files", async () => {
    mocked.pickWorkflowFile.mockResolvedValue("/w/a.json");
    mocked.openWorkflowFile.mockResolvedValue(openedDoc());
    mocked.recentFiles.mockResolvedValue(["/w/a.json"]);
    const s = await started();
    await s.openDialog();
    expect(mocked.openWorkflowFile).toHaveBeenCalledWith("/w/a.json");
    expect(s.app.recent).toEqual(["/w/a.json"]);
  });
});

describe("start-up", () => {
  it("keeps a workflow dropped while the default one was still loading", async () => {
    let resolveDefault!: (opened: OpenedWorkflow) => void;
    mocked.openDefaultWorkflow.mockReturnValue(new Promise((r) => (resolveDefault = r)));
    mocked.openWorkflowFile.mockResolvedValue(openedDoc({ ...referenceDoc(), name: "dropped" }));
    const s = session();
    const starting = s.start();
    await vi.waitFor(() => expect(drop).toBeDefined());
    await s.openFile("/tmp/dropped.json");
    resolveDefault(openedDoc());
    await starting;
    expect(s.document.doc?.name).toBe("dropped");
  });
});

describe("sweeps", () => {
  // No ledger to read: the question is about the threshold (an earlier test set a cap).
  beforeEach(() => {
    vi.mocked(historyHost.spendReport).mockRejectedValue(new Error("no ledger"));
  });

  const cfg = (labels: string[]) => ({
    target: { kind: "input" as const, nodeId: "3", input: "cfg" },
    values: labels.map((label) => ({ label, value: Number(label) })),
  });
  const sweep = { axes: [cfg(["4", "6"]), { target: { kind: "seed" as const }, values: [] }] };
  sweep.axes[1].values = [
    { label: "1", value: 1 },
    { label: "2", value: 2 },
  ];

  it("runs the sweep as Run does, with the axes in the options, and follows its grid", async () => {
    mocked.runWorkflow.mockResolvedValue(["c1", "c2", "c3", "c4"]);
    const s = await started();
    s.document.form.setCount(1);
    const ids = await s.runSweep(sweep, { each: 1, runs: 4, total: 4 });
    expect(ids).toEqual(["c1", "c2", "c3", "c4"]);
    const [, options] = mocked.runWorkflow.mock.calls[0];
    expect(options).toMatchObject({ count: 1, wildcards: "seeded", sweep });
    expect(options.approvedCredits).toBeUndefined();
    expect(s.runs.queue.items.map((i) => i.runId)).toEqual(["c1", "c2", "c3", "c4"]);
    expect(s.sweepRun?.titles).toEqual(["#3 · Cfg", "Seed"]);
    expect(s.sweepRun?.cells.map((c) => [c.x, c.y, c.runIds[0]])).toEqual([
      [0, 0, "c1"],
      [1, 0, "c2"],
      [0, 1, "c3"],
      [1, 1, "c4"],
    ]);
    // The batch's channel feeds the queue and the grid alike.
    send(
      ev(
        {
          kind: "imageSaved",
          image: { id: 5, path: "/o/c2.png", nodeId: "9", width: 8, height: 8 },
        },
        "c2",
      ),
    );
    send(ev({ kind: "succeeded", credits: 1, images: 1 }, "c2"));
    expect(s.runs.queue.items.find((i) => i.runId === "c2")?.state.phase).toBe("succeeded");
    expect(s.sweepRun?.cells[1]).toMatchObject({ state: "succeeded", image: { id: 5 } });
    const picture = { id: 9, path: "/o/grid.png", nodeId: "", width: 16, height: 16 };
    send(ev({ kind: "sweepGrid", sweepId: "sw", image: picture }, "c4"));
    expect(s.sweepRun?.grid).toEqual({ kind: "done", path: "/o/grid.png", image: picture });
    // The queue keeps the run as it was: the grid's event is about the sweep.
    expect(s.runs.queue.items.find((i) => i.runId === "c4")?.state.phase).toBe("queued");
    s.closeSweepRun();
    expect(s.sweepRun).toBeNull();
  });

  it("asks about the sweep's quoted total above the threshold and starts nothing when declined", async () => {
    const s = await started();
    const declined = s.runSweep(sweep, { each: 3, runs: 4, total: 12 });
    await vi.waitFor(() =>
      expect(s.confirming).toEqual({ kind: "threshold", credits: 12, threshold: 10 }),
    );
    s.declineRun();
    expect(await declined).toBeNull();
    expect(mocked.runWorkflow).not.toHaveBeenCalled();
    expect(s.sweepRun).toBeNull();
    mocked.runWorkflow.mockResolvedValue(["c1", "c2", "c3", "c4"]);
    const accepted = s.runSweep(sweep, { each: 3, runs: 4, total: 12 });
    await vi.waitFor(() => expect(s.confirming).not.toBeNull());
    s.confirmRun();
    await accepted;
    expect(mocked.runWorkflow.mock.calls[0][1]).toMatchObject({ approvedCredits: 12, sweep });
    expect(s.sweepRun?.runIds).toHaveLength(4);
  });

  it("asks for the quote itself when none is given", async () => {
    vi.mocked(sweepHost).sweepQuote.mockResolvedValue({ each: 6, runs: 4, total: 24 });
    const s = await started();
    s.document.form.setCount(2);
    const run = s.runSweep(sweep);
    await vi.waitFor(() =>
      expect(s.confirming).toEqual({ kind: "threshold", credits: 24, threshold: 10 }),
    );
    const [doc, sent, count, , wildcards] = vi.mocked(sweepHost).sweepQuote.mock.calls[0];
    expect(doc.nodes).toHaveLength(11);
    expect([sent, count, wildcards]).toEqual([sweep, 2, "seeded"]);
    s.declineRun();
    await run;
  });

  it("shows a refused sweep as the banner and keeps the grid it had", async () => {
    mocked.runWorkflow.mockResolvedValueOnce(["c1", "c2", "c3", "c4"]);
    const s = await started();
    await s.runSweep(sweep, { each: 1, runs: 4, total: 4 });
    const first = s.sweepRun;
    mocked.runWorkflow.mockRejectedValueOnce({ code: "invalidInput", message: "no seed to vary" });
    expect(await s.runSweep(sweep, null)).toBeNull();
    expect(s.error).toEqual({ code: "invalidInput", message: "no seed to vary" });
    expect(s.sweepRun).toBe(first);
  });
});
