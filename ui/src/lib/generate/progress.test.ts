// The graph under a burst of progress: what reaches the DOM, watched with a MutationObserver.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobChange } from "../bindings/JobChange";
import { RunQueue } from "../run/runs.svelte";
import { stubFrames, type Frames } from "../testing/frames";
import { referenceDoc } from "../testing/reference";
import GraphPanel from "./GraphPanel.svelte";

vi.mock("../host", async () => (await import("../testing/hostMock")).hostMock());

let frames: Frames;
let panel: ReturnType<typeof mount> | null = null;
let runs: RunQueue;
let observer: MutationObserver;

beforeEach(() => {
  frames = stubFrames();
  runs = new RunQueue({ focused: () => true });
});

afterEach(() => {
  observer?.disconnect();
  if (panel) unmount(panel);
  panel = null;
  runs.dispose();
  document.body.innerHTML = "";
  vi.unstubAllGlobals();
});

const card = (id: string) => document.querySelector<HTMLElement>(`[data-testid="node-${id}"]`)!;
const tick = (nodeId: string, progress: number): JobChange => ({
  kind: "node",
  nodeId,
  status: "running",
  progress,
  overall: progress / 2,
});

/** The reference workflow shown live, its sampler (3) running, and a way to send its events. */
function shown() {
  const doc = referenceDoc();
  const { batch, onEvent } = runs.begin(doc.nodes.map((n) => n.id));
  runs.accept(batch, ["r"]);
  panel = mount(GraphPanel, {
    target: document.body,
    props: { doc, nodes: runs.nodes, selectedId: null, onselect: () => {} },
  });
  const send = (change: JobChange) => onEvent({ runId: "r", change });
  send({ kind: "node", nodeId: "4", status: "done", progress: 1, overall: 0.1 });
  send(tick("3", 0.1));
  frames.next();
  flushSync();
  observer = new MutationObserver(() => {});
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
  return send;
}

/** The DOM changes since the last call, as `element path: kind`. */
function mutations(): { records: MutationRecord[]; outside: Node[] } {
  const records = observer.takeRecords();
  const inside = card("3");
  return { records, outside: records.map((r) => r.target).filter((n) => !inside.contains(n)) };
}

describe("GraphPanel under a burst of progress", () => {
  it("changes nothing until the frame, then only the running card, once", () => {
    const send = shown();
    send(tick("3", 0.2));
    frames.next();
    flushSync();
    const one = mutations();
    expect(one.records.length).toBeGreaterThan(0);
    expect(one.outside).toEqual([]);

    for (let i = 21; i <= 80; i++) send(tick("3", i / 100));
    flushSync();
    expect(mutations().records).toEqual([]);
    frames.next();
    flushSync();
    const burst = mutations();
    // Sixty events, one frame: the same DOM writes as a single event, all in the sampler's card.
    expect(burst.outside).toEqual([]);
    expect(burst.records.length).toBe(one.records.length);
    expect(card("3").textContent).toContain("80%");
    expect(card("3").querySelector<HTMLElement>(".fill")!.style.transform).toBe("scaleX(0.8)");
    expect(card("4").dataset.state).toBe("done");
  });

  it("updates again at the next frame, and leaves other cards alone when a node changes state", () => {
    const send = shown();
    for (let i = 0; i < 10; i++) send(tick("3", 0.5 + i / 100));
    frames.next();
    flushSync();
    mutations();
    send({ kind: "node", nodeId: "3", status: "done", progress: 1, overall: 0.6 });
    send(tick("17", 0.2));
    frames.next();
    flushSync();
    const { records } = mutations();
    const touched = new Set(
      records.map((r) => {
        const element = r.target instanceof Element ? r.target : r.target.parentElement;
        return (
          element?.closest("[data-testid^='node-']")?.getAttribute("data-testid") ??
          element?.closest(".svelte-flow__minimap, .svelte-flow__edges, svg.links")?.tagName ??
          "elsewhere"
        );
      }),
    );
    // The two cards that changed, plus minimap dots and links that follow them; no other card.
    expect([...touched].filter((t) => t.startsWith("node-")).sort()).toEqual(["node-17", "node-3"]);
    expect(touched.has("elsewhere")).toBe(false);
    expect(card("3").dataset.state).toBe("done");
    expect(card("17").dataset.state).toBe("running");
  });
});
