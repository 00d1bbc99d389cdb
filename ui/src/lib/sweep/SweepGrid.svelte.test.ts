// The live grid: a cell per X × Y (× Z) value with its runs' state and first picture, the axes'
// labels around them, and the grid picture's state once every cell ended.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Axis } from "../bindings/Axis";
import type { JobChange } from "../bindings/JobChange";
import { SweepRun } from "./run.svelte";
import SweepGrid from "./SweepGrid.svelte";

vi.mock("../host/queue", async () => (await import("../testing/hostMock")).queueMock());
vi.mock("../host/sweep", () => ({ sweepAxis: vi.fn(), sweepQuote: vi.fn(), sweepGrid: vi.fn() }));

const axis = (labels: string[]): Axis => ({
  target: { kind: "input", nodeId: "3", input: "cfg" },
  values: labels.map((label) => ({ label, value: label })),
});
const image = (path: string, id: number | null) => ({
  id,
  path,
  nodeId: "9",
  width: 64,
  height: 64,
});

let view: ReturnType<typeof mount> | null = null;
let run: SweepRun;
const onopen = vi.fn();
const onclose = vi.fn();
const onopensweep = vi.fn();

afterEach(() => {
  if (view) unmount(view);
  view = null;
  run.dispose();
  document.body.innerHTML = "";
});

function show(axes: Axis[], titles: string[], opensweep = false) {
  run = new SweepRun(axes, titles, 1);
  const thumbUrl = (id: number) => `easel://localhost/thumb/${id}`;
  view = mount(SweepGrid, {
    target: document.body,
    props: { run, thumbUrl, onopen, onclose, ...(opensweep ? { onopensweep } : {}) },
  });
  flushSync();
}

function send(runId: string, change: JobChange) {
  run.receive({ runId, change });
  flushSync();
}

const cells = () => [...document.querySelectorAll<HTMLElement>("[data-testid=sweep-cell]")];
const find = (id: string) => document.querySelector<HTMLElement>(`[data-testid=${id}]`);

describe("SweepGrid", () => {
  it("lays the cells out as X columns and Y rows with the axes' labels", () => {
    show([axis(["4", "6", "8"]), axis(["euler", "dpm"])], ["Cfg", "Sampler"]);
    run.accept(["a", "b", "c", "d", "e", "f"]);
    flushSync();
    expect(cells().map((c) => `${c.dataset.x}${c.dataset.y}${c.dataset.z}`)).toEqual([
      "000",
      "100",
      "200",
      "010",
      "110",
      "210",
    ]);
    const heads = [...document.querySelectorAll("th")].map((th) => th.textContent?.trim());
    expect(heads).toEqual(["", "4", "6", "8", "euler", "dpm"]);
    expect(document.body.textContent).toContain("Columns → Cfg");
    expect(document.body.textContent).toContain("Rows ↓ Sampler");
    expect(cells().every((c) => c.dataset.state === "queued")).toBe(true);
    expect(find("sweep-progress")?.textContent?.trim()).toBe("0 of 6 cells ended");
  });

  it("follows each cell's runs and shows its first picture once saved", () => {
    show([axis(["4", "6"])], ["Cfg"]);
    run.accept(["a", "b"]);
    send("a", { kind: "node", nodeId: "3", status: "running", progress: 0.2, overall: 0.2 });
    expect(cells().map((c) => c.dataset.state)).toEqual(["running", "queued"]);
    send("a", { kind: "imageSaved", image: image("/out/a.png", 11) });
    send("a", { kind: "succeeded", credits: 1, images: 1 });
    send("b", { kind: "failed", code: "jobFailed", message: "no" });
    expect(cells().map((c) => c.dataset.state)).toEqual(["succeeded", "failed"]);
    const img = cells()[0].querySelector("img");
    expect(img?.getAttribute("src")).toBe("easel://localhost/thumb/11");
    expect(img?.getAttribute("alt")).toBe("Cfg: 4");
    expect(cells()[1].querySelector("img")).toBeNull();
    expect(cells()[1].textContent?.trim()).toBe("Failed");
    img?.closest("button")?.click();
    expect(onopen).toHaveBeenCalledWith(11);
  });

  it("shows one block per Z value", () => {
    show([axis(["4", "6"]), axis(["20"]), axis(["cat", "dog"])], ["Cfg", "Steps", "S/R “cat”"]);
    run.accept(["a", "b", "c", "d"]);
    flushSync();
    const blocks = [...document.querySelectorAll("h3")].map((h) => h.textContent?.trim());
    expect(blocks).toEqual(["S/R “cat”: cat", "S/R “cat”: dog"]);
    expect(cells().map((c) => c.dataset.z)).toEqual(["0", "0", "1", "1"]);
  });

  it("says the grid is being composed, then saved, with a way to the gallery", () => {
    show([axis(["4"])], ["Cfg"]);
    run.accept(["a"]);
    flushSync();
    expect(find("sweep-grid-done")).toBeNull();
    send("a", { kind: "imageSaved", image: image("/out/a.png", 11) });
    send("a", { kind: "succeeded", credits: 1, images: 1 });
    expect(find("sweep-grid-done")?.dataset.state).toBe("composing");
    send("a", {
      kind: "sweepGrid",
      sweepId: "sw",
      image: { ...image("/lib/2026/sweep-grid.png", 40), nodeId: "" },
    });
    const done = find("sweep-grid-done")!;
    expect(done.dataset.state).toBe("done");
    expect(done.textContent).toContain("Grid saved: sweep-grid.png");
    find("sweep-grid-open")?.click();
    expect(onopen).toHaveBeenCalledWith(40);
    find("sweep-grid-close")?.click();
    expect(onclose).toHaveBeenCalled();
  });

  it("opens the whole sweep in the gallery when the view can show one", () => {
    show([axis(["4"])], ["Cfg"], true);
    run.accept(["a"]);
    flushSync();
    send("a", { kind: "imageSaved", image: image("/out/a.png", 11) });
    send("a", { kind: "succeeded", credits: 1, images: 1 });
    send("a", {
      kind: "sweepGrid",
      sweepId: "sw",
      image: { ...image("/lib/g.png", 40), nodeId: "" },
    });
    find("sweep-grid-open")?.click();
    expect(onopensweep).toHaveBeenCalledWith("sw");
  });

  it("says there is no grid when no cell saved a picture", () => {
    show([axis(["4"])], ["Cfg"]);
    run.accept(["a"]);
    send("a", { kind: "canceled" });
    expect(cells()[0].dataset.state).toBe("cancelled");
    expect(find("sweep-grid-done")?.dataset.state).toBe("none");
    expect(find("sweep-grid-done")?.textContent).toContain("no grid");
  });
});
