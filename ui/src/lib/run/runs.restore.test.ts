// The queue store at launch: the runs a previous session left, taken in from `queue_state`
// with the global listener's events held meanwhile.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../bindings/AppError";
import type { JobChange } from "../bindings/JobChange";
import type { JobEvent } from "../bindings/JobEvent";
import type { QueueState } from "../bindings/QueueState";
import * as queueHost from "../host/queue";
import { stubFrames, type Frames } from "../testing/frames";
import { historyRun } from "../testing/historyRun";
import { RunQueue } from "./runs.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());
vi.mock("../host/queue", async () => (await import("../testing/hostMock")).queueMock());

const mocked = vi.mocked(queueHost);
let frames: Frames;
let errors: AppError[];
const queues: RunQueue[] = [];

beforeEach(() => {
  frames = stubFrames();
  errors = [];
});

afterEach(() => {
  for (const q of queues.splice(0)) q.dispose();
  vi.unstubAllGlobals();
});

const ev = (runId: string, change: JobChange): JobEvent => ({ runId, change });
const rows = (q: RunQueue) =>
  q.queue.items.map((i) => `${i.runId}:${i.state.phase}:${i.name ?? i.batch}`);

function queue() {
  const q = new RunQueue({ focused: () => true, onError: (e) => errors.push(e) });
  queues.push(q);
  return q;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const LEFT: QueueState = {
  paused: true,
  runs: [
    historyRun("s1", { status: "submitted", name: "portrait" }),
    historyRun("p1"),
    historyRun("p2", { name: "landscape" }),
  ],
};

describe("restore", () => {
  it("shows the runs a previous session left in the engine's order, and the pause", async () => {
    mocked.queueState.mockResolvedValueOnce(LEFT);
    const q = queue();
    await q.restore(Promise.resolve());
    expect(rows(q)).toEqual([
      "s1:submitted:portrait",
      "p1:queued:reference",
      "p2:queued:landscape",
    ]);
    expect(q.paused).toBe(true);
    expect(q.active).toBe(true);
    // The Generate view's graph and status line stay on this window's runs (none yet).
    expect(q.run.phase).toBe("idle");
  });

  it("asks only once the listener is on, and holds what it hears until the answer", async () => {
    const listening = deferred<void>();
    const answer = deferred<QueueState>();
    mocked.queueState.mockReturnValueOnce(answer.promise);
    const q = queue();
    const restored = q.restore(listening.promise);
    await Promise.resolve();
    expect(mocked.queueState).not.toHaveBeenCalled();
    listening.resolve();
    await vi.waitFor(() => expect(mocked.queueState).toHaveBeenCalledTimes(1));

    q.receive(ev("p1", { kind: "submitted", jobId: "j1" }));
    q.receive(
      ev("s1", { kind: "node", nodeId: "9", status: "running", progress: 1, overall: 0.5 }),
    );
    frames.next();
    expect(q.queue.items).toEqual([]);
    answer.resolve(LEFT);
    await restored;
    expect(rows(q)).toEqual([
      "s1:running:portrait",
      "p1:submitted:reference",
      "p2:queued:landscape",
    ]);

    // Later events update the same rows: nothing is added twice.
    q.receive(ev("p1", { kind: "succeeded", credits: 2.4, images: 1 }));
    q.receive(ev("p2", { kind: "queued", nodes: ["4", "9"] }));
    frames.next();
    expect(rows(q)).toEqual([
      "s1:running:portrait",
      "p1:succeeded:reference",
      "p2:queued:landscape",
    ]);
    expect(q.queue.items.find((i) => i.runId === "p2")?.state).toMatchObject({ order: ["4", "9"] });
  });

  it("a run the engine adopts later joins from the journal, with its name and its events", async () => {
    mocked.queueState.mockResolvedValueOnce({ paused: false, runs: [] });
    const q = queue();
    await q.restore(Promise.resolve());
    mocked.queueState.mockResolvedValueOnce({
      paused: false,
      runs: [historyRun("late", { name: "left by a script" })],
    });
    q.receive(ev("late", { kind: "queued", nodes: ["4", "9"] }));
    q.receive(ev("late", { kind: "submitted", jobId: "j9" }));
    await vi.waitFor(() => expect(mocked.queueState).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => {
      frames.next();
      expect(rows(q)).toEqual(["late:submitted:left by a script"]);
    });
    // A known run's `queued` (a resumed run's first word) asks nothing more.
    q.receive(ev("late", { kind: "queued", nodes: ["4", "9"] }));
    frames.next();
    expect(mocked.queueState).toHaveBeenCalledTimes(2);
  });

  it("does not add twice a run this window started while the question was out", async () => {
    const answer = deferred<QueueState>();
    mocked.queueState.mockReturnValueOnce(answer.promise);
    const q = queue();
    const restored = q.restore(Promise.resolve());
    const { batch, onEvent } = q.begin(["4"]);
    onEvent(ev("mine", { kind: "queued", nodes: ["4"] }));
    q.accept(batch, ["mine"]);
    answer.resolve({ paused: false, runs: [historyRun("old"), historyRun("mine")] });
    await restored;
    expect(rows(q)).toEqual(["old:queued:reference", "mine:queued:1"]);
    expect(q.run.phase).toBe("queued");
    expect(q.paused).toBe(false);
  });

  it("lets the held events go when there is no backend, without a banner", async () => {
    mocked.queueState.mockRejectedValueOnce({ code: "noHost", message: "not in the app" });
    const q = queue();
    const { batch, onEvent } = q.begin(["4"]);
    onEvent(ev("mine", { kind: "queued", nodes: ["4"] }));
    q.accept(batch, ["mine"]);
    const restored = q.restore(Promise.resolve());
    q.receive(ev("mine", { kind: "submitted", jobId: "j" }));
    await restored;
    frames.next();
    expect(rows(q)).toEqual(["mine:submitted:1"]);
    expect(errors).toEqual([]);
  });

  it("shows why the queue could not be read", async () => {
    mocked.queueState.mockRejectedValueOnce({ code: "storage", message: "journal locked" });
    const q = queue();
    await q.restore(Promise.resolve());
    expect(errors).toEqual([{ code: "storage", message: "journal locked" }]);
    expect(q.queue.items).toEqual([]);
  });
});
