import { describe, expect, it } from "vitest";
import { endNotice, formatElapsed, formatPercent, statusText } from "./describe";
import { IDLE, reduceRun, type RunState } from "./reduce";
import type { JobChange } from "../bindings/JobChange";

const run = (...changes: JobChange[]): RunState => changes.reduce(reduceRun, IDLE);
const title = (id: string) => `Node ${id}`;

describe("formatElapsed", () => {
  it.each([
    [0, "0:00"],
    [999, "0:00"],
    [7_000, "0:07"],
    [754_000, "12:34"],
    [3_723_000, "1:02:03"],
    [-5, "0:00"],
  ])("%d ms is %s", (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe("formatPercent", () => {
  it("floors and clamps", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.999)).toBe("99%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(3)).toBe("100%");
    expect(formatPercent(-1)).toBe("0%");
  });
});

describe("statusText", () => {
  const queued: JobChange = { kind: "queued", nodes: ["3"] };
  it("says where the run is", () => {
    expect(statusText(IDLE, title)).toBe("Ready");
    expect(statusText(run(queued), title)).toBe("Preparing…");
    expect(statusText(run(queued, { kind: "submitted", jobId: "j" }), title)).toMatch(/Submitted/);
    expect(statusText(run(queued, { kind: "canceled" }), title)).toBe("Canceled");
  });

  it("says a canceled run kept the picture it had already made", () => {
    const image = { id: 1, path: "/1", nodeId: "3", width: 8, height: 8 };
    const kept = run(queued, { kind: "imageSaved", image }, { kind: "canceled" });
    expect(statusText(kept, title)).toBe("Canceled · 1 image kept");
  });

  it("shows the queue position when known", () => {
    const w = (queueRank: number | null, queueLen: number | null) =>
      statusText(run(queued, { kind: "waiting", queueRank, queueLen }), title);
    expect(w(3, 9)).toBe("In queue: position 3 of 9");
    expect(w(2, null)).toBe("In queue: position 2");
    expect(w(null, null)).toBe("In queue…");
  });

  it("names the running node", () => {
    const s = run(queued, {
      kind: "node",
      nodeId: "3",
      status: "running",
      progress: 0.42,
      overall: 0.5,
    });
    expect(statusText(s, title)).toBe("Running Node 3 42% · 50% overall");
    const t = reduceRun(s, {
      kind: "node",
      nodeId: "3",
      status: "done",
      progress: 1,
      overall: 0.75,
    });
    expect(statusText(t, title)).toBe("Running… 75%");
  });

  it("sums up a verdict", () => {
    expect(statusText(run(queued, { kind: "succeeded", credits: 2, images: 1 }), title)).toBe(
      "Done: 1 image · 2 credits used",
    );
    expect(statusText(run(queued, { kind: "succeeded", credits: null, images: 4 }), title)).toBe(
      "Done: 4 images",
    );
    expect(
      statusText(run(queued, { kind: "failed", code: "network", message: "offline" }), title),
    ).toBe("Failed: offline");
  });
});

describe("endNotice", () => {
  const image = (id: number) => ({ id, path: `/${id}`, nodeId: "9", width: 8, height: 8 });
  const queued: JobChange = { kind: "queued", nodes: ["9"] };
  const saved = (id: number): JobChange => ({ kind: "imageSaved", image: image(id) });

  it("counts the runs and their images when all went well", () => {
    const done: JobChange = { kind: "succeeded", credits: null, images: 1 };
    expect(endNotice([run(queued, saved(1), done), run(queued, saved(2), saved(3), done)])).toEqual(
      {
        title: "Easel: runs finished",
        body: "2 run(s) done, 3 image(s) saved.",
      },
    );
  });

  it("says how many failed", () => {
    const failed: JobChange = { kind: "failed", code: "credits", message: "no" };
    const notice = endNotice([run(queued, failed), run(queued, { kind: "canceled" })]);
    expect(notice).toEqual({
      title: "Easel: a run failed",
      body: "1 of 2 run(s) failed. Open Easel to see why.",
    });
  });

  it("has nothing to say when no run ended", () => {
    expect(endNotice([])).toBeNull();
  });
});
