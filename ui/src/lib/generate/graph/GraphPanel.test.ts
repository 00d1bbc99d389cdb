import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WorkflowDoc } from "../../bindings/WorkflowDoc";
import { setLocale } from "../../i18n/index.svelte";
import { RunNodes } from "../../run/nodes.svelte";
import { IDLE, reduceRun, type RunState } from "../../run/reduce";
import { referenceDoc } from "../../testing/reference";
import GraphPanel from "../GraphPanel.svelte";

let panel: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = "";
  setLocale("en");
});

type Options = {
  doc?: WorkflowDoc;
  run?: RunState;
  selectedId?: string | null;
  errorsOf?: (id: string) => number;
};

function show(options: Options = {}) {
  const onselect = vi.fn();
  const nodes = new RunNodes();
  nodes.show(options.run ?? IDLE);
  panel = mount(GraphPanel, {
    target: document.body,
    props: {
      doc: options.doc ?? referenceDoc(),
      nodes,
      selectedId: options.selectedId ?? null,
      errorsOf: options.errorsOf,
      onselect,
    },
  });
  flushSync();
  return onselect;
}

const card = (id: string) => document.querySelector<HTMLElement>(`[data-testid="node-${id}"]`)!;

/** The reference workflow with 4, 5, 14, 6 and 7 done and the sampler (3) half way. */
function samplerRunning(): RunState {
  let run = reduceRun(IDLE, { kind: "queued", nodes: referenceDoc().nodes.map((n) => n.id) });
  for (const id of ["4", "10", "5", "14", "6", "7"]) {
    run = reduceRun(run, { kind: "node", nodeId: id, status: "done", progress: 1, overall: 0.3 });
  }
  return reduceRun(run, {
    kind: "node",
    nodeId: "3",
    status: "running",
    progress: 0.5,
    overall: 0.4,
  });
}

describe("GraphPanel", () => {
  it("renders one card per node with its state from the run", () => {
    show({ run: samplerRunning() });
    const cards = document.querySelectorAll<HTMLElement>('[data-testid^="node-"]');
    expect(cards).toHaveLength(11);
    expect(card("4").dataset.state).toBe("done");
    expect(card("3").dataset.state).toBe("running");
    expect(card("9").dataset.state).toBe("waiting");
    expect(card("3").textContent).toContain("50%");
    expect(card("3").querySelector<HTMLElement>(".fill")!.style.transform).toBe("scaleX(0.5)");
  });

  it("shows title, class, linked inputs and abbreviated values", () => {
    show({
      doc: {
        name: "t",
        nodes: [
          {
            id: "1",
            classType: "CLIPTextEncode",
            title: "Prompt",
            extra: {},
            inputs: [
              {
                kind: "value",
                name: "text",
                value: "a lighthouse\non a cliff at dusk, oil on canvas",
              },
              { kind: "value", name: "tiled", value: true },
              { kind: "link", name: "clip", node: "2", output: 1 },
            ],
          },
          { id: "2", classType: "Loader", title: null, extra: {}, inputs: [] },
        ],
      },
    });
    const text = card("1").textContent!;
    expect(text).toContain("Prompt");
    expect(text).toContain("CLIPTextEncode");
    expect(text).toContain("Clip");
    expect(text).toContain("a lighthouse on a cliff at…");
    expect(text).toContain("yes");
    expect(card("2").textContent).toContain("output 1");
    // A link becomes an edge between the two connection points.
    expect(document.querySelectorAll(".svelte-flow__handle")).toHaveLength(2);
    expect(document.querySelectorAll("svg.links path.edge")).toHaveLength(1);
  });

  it("selects a node on click or Enter, and clears the selection on the empty pane", () => {
    const onselect = show();
    card("3").click();
    expect(onselect).toHaveBeenLastCalledWith("3");
    card("6").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(onselect).toHaveBeenLastCalledWith("6");
    document.querySelector<HTMLElement>(".svelte-flow__pane")!.click();
    expect(onselect).toHaveBeenLastCalledWith(null);
    expect(onselect).toHaveBeenCalledTimes(3);
  });

  it("marks the selected card and lights its links", () => {
    show({ selectedId: "3" });
    expect(card("3").getAttribute("aria-pressed")).toBe("true");
    expect(card("4").getAttribute("aria-pressed")).toBe("false");
    // The sampler has four links in and one out.
    expect(document.querySelectorAll("path.edge.hot")).toHaveLength(5);
  });

  it("animates links from done nodes into the running one", () => {
    show({ run: samplerRunning() });
    const flowing = document.querySelectorAll("path.edge.flowing");
    expect(flowing).toHaveLength(4);
    expect(document.querySelectorAll("svg.links path.edge")).toHaveLength(18);
  });

  it("draws the links between the reference's rows along the lane, the others as curves", () => {
    show();
    const paths = [...document.querySelectorAll("svg.links path.edge")].map(
      (p) => p.getAttribute("d") ?? "",
    );
    expect(paths.filter((d) => d.includes(" Q "))).toHaveLength(5);
    expect(paths.filter((d) => d.includes("C"))).toHaveLength(13);
  });

  it("shows a badge with the number of problems", () => {
    show({ errorsOf: (id) => (id === "3" ? 2 : 0) });
    expect(document.querySelector('[data-testid="errors-3"]')?.textContent).toBe("2");
    expect(card("3").dataset.errors).toBe("2");
    expect(card("4").dataset.errors).toBe("0");
    expect(document.querySelectorAll('[data-testid^="errors-"]')).toHaveLength(1);
  });

  it("says how many links point to missing nodes", () => {
    const doc = referenceDoc();
    doc.nodes[0].inputs.push({ kind: "link", name: "ghost", node: "404", output: 0 });
    show({ doc });
    expect(document.querySelector(".dangling")?.textContent?.trim()).toBe(
      "1 link points to a missing node",
    );
    expect(document.querySelectorAll("svg.links path.edge")).toHaveLength(18);
  });

  it("puts the cards where the editor had them", () => {
    const doc = referenceDoc();
    doc.nodes.forEach((n, i) => (n.position = [i * 300, 40]));
    show({ doc });
    const wrapper = card("3").closest<HTMLElement>(".svelte-flow__node")!;
    const index = doc.nodes.findIndex((n) => n.id === "3");
    expect(wrapper.style.transform).toBe(`translate(${index * 300}px, 40px)`);
  });

  describe("opening view", () => {
    /** jsdom has no layout: give every element this client size while the panel opens. */
    function paneSize(width: number, height: number) {
      vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(width);
      vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(height);
    }
    const viewport = () =>
      document.querySelector<HTMLElement>(".svelte-flow__viewport")!.style.transform;

    it("shows the whole reference workflow in the default window's pane", () => {
      // Folded into two rows 1520 px wide: 875 / 1520 on the narrower axis.
      paneSize(939, 703);
      show();
      const [x, y, zoom] = viewport()
        .match(/[-\d.]+/g)!
        .map(Number);
      expect(zoom).toBeCloseTo(875 / 1520);
      // Left end (the checkpoint) and top at the padding: nothing is cut off.
      expect(x).toBeCloseTo(32);
      expect(y).toBeCloseTo(32, 0);
    });

    it("opens the reference at its SaveImage end when it is not readable whole", () => {
      paneSize(600, 703);
      show();
      expect(viewport()).toMatch(/scale\(0\.4\)/);
      // The right end at the padding: 600 - 32 - 1520 × 0.4.
      expect(viewport()).toMatch(/^translate\(-40px, /);
    });

    it("waits for the pane to have a size", () => {
      show();
      expect(viewport()).toBe("translate(0px, 0px) scale(1)");
    });
  });

  it("speaks the chosen language", () => {
    setLocale("zh-CN");
    show({ run: samplerRunning() });
    expect(card("3").textContent).toContain("运行中");
    expect(card("4").textContent).toContain("已完成");
    expect(document.querySelector(".svelte-flow__controls-fitview")?.getAttribute("title")).toBe(
      "显示整个节点图",
    );
  });
});
