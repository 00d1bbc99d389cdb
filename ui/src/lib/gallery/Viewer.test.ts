import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as host from "../host/library";
import { readiness } from "../testing/inspection";
import { referenceDoc } from "../testing/reference";
import { answer } from "./fixtures";
import { byTestId, click, key, layOut, mountView, settle } from "./testing.svelte";

vi.mock("../host/library", async () => (await import("./fixtures")).hostModule());

const mocked = vi.mocked(host);
let close: () => void = () => {};

beforeEach(() => layOut(1200, 800));
afterEach(() => {
  close();
  close = () => {};
  document.body.innerHTML = "";
});

async function openViewer(id: number) {
  answer(host, 500);
  const view = await mountView();
  close = view.close;
  const cell = document.querySelector(`[data-testid="gallery-cell"][data-id="${id}"]`)!;
  cell.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
  await settle();
  return view;
}

const image = () => byTestId("viewer-image") as HTMLImageElement;
const zoom = () => byTestId("viewer-zoom")?.textContent?.trim();

describe("Viewer", () => {
  it("opens on double-click with the full image and its metadata", async () => {
    await openViewer(3);
    expect(byTestId("viewer")).not.toBeNull();
    expect(image().getAttribute("src")).toBe("easel://localhost/image/3");
    expect(byTestId("metadata-prompt")?.textContent).toContain("a cat number 3");
    expect(byTestId("metadata-seed")?.textContent).toBe("21");
    expect(byTestId("metadata-models")?.textContent).toContain("sdxl");
    expect(byTestId("metadata-tags")?.textContent).toContain("best");
    expect(byTestId("metadata")?.textContent).toContain("run-1");
    // Every parameter, by node, from the workflow the image carries; and its picture.
    expect(byTestId("metadata-params")?.textContent).toContain("KSampler");
    expect(byTestId("metadata-params")?.textContent).toContain("steps");
    expect(byTestId("metadata-graph")?.querySelectorAll("rect")).toHaveLength(11);
  });

  it("moves with the arrows, favourites with F, and closes with Esc on the last image seen", async () => {
    await openViewer(1);
    key("ArrowLeft");
    expect(image().getAttribute("src")).toBe("easel://localhost/image/1");
    key("ArrowRight");
    key("ArrowRight");
    await settle();
    expect(image().getAttribute("src")).toBe("easel://localhost/image/3");
    expect(byTestId("viewer-position")?.textContent).toContain("3 / 500");
    expect(byTestId("metadata-prompt")?.textContent).toContain("a cat number 3");
    key("f");
    expect(byTestId("viewer-favourite")?.dataset.favourite).toBe("true");
    expect(mocked.setFavourite).toHaveBeenCalledWith([3], true);
    key("Escape");
    expect(byTestId("viewer")).toBeNull();
    const cell = document.querySelector<HTMLElement>('[data-testid="gallery-cell"][data-id="3"]')!;
    expect(cell.getAttribute("aria-selected")).toBe("true");
    expect(cell.dataset.favourite).toBe("true");
    // Enter opens the current image again.
    key("Enter");
    expect(image().getAttribute("src")).toBe("easel://localhost/image/3");
    click(byTestId("viewer-close")!);
    expect(byTestId("viewer")).toBeNull();
  });

  it("zooms with the keys and the wheel, and fits with 0", async () => {
    await openViewer(1);
    // A 1024 × 1024 image in a 1200 × 800 stage fits at 800 / 1024.
    expect(zoom()).toBe("78 %");
    key("1");
    expect(zoom()).toBe("100 %");
    key("+");
    expect(zoom()).toBe("125 %");
    key("0");
    expect(zoom()).toBe("78 %");
    image().parentElement!.dispatchEvent(
      new WheelEvent("wheel", {
        deltaY: -100,
        clientX: 10,
        clientY: 10,
        bubbles: true,
        cancelable: true,
      }),
    );
    flushSync();
    expect(zoom()).toBe("98 %");
    expect(image().style.transform).toMatch(/^translate\(.+\) scale\(0\.97/);
  });

  it("trashes with Delete, offering Undo", async () => {
    await openViewer(2);
    key("Delete");
    await settle();
    expect(mocked.trashImages).toHaveBeenCalledWith([2]);
    click(byTestId("toast-undo")!);
    await settle();
    expect(mocked.restoreImages).toHaveBeenCalledWith([2]);
  });

  it("opens the workflow and runs it again through the view's callbacks", async () => {
    const view = await openViewer(4);
    click(byTestId("metadata-open-workflow")!);
    await settle();
    expect(mocked.imageWorkflow).toHaveBeenLastCalledWith(4);
    expect(view.props.onopenworkflow).toHaveBeenCalledWith(
      expect.objectContaining({ format: "pngPrompt" }),
    );
    click(byTestId("metadata-run-again")!);
    await settle();
    expect(view.props.start).toHaveBeenCalledTimes(1);
    expect(mocked.runAgain).toHaveBeenCalledWith(4, view.channel, {});
    expect(byTestId("toast")?.textContent).toContain("Started 1 run");
  });

  it("says whether the image's workflow runs as it stands, from one readiness call", async () => {
    await openViewer(6);
    expect(mocked.workflowReadiness).toHaveBeenCalledTimes(1);
    expect(mocked.workflowReadiness).toHaveBeenCalledWith([referenceDoc()]);
    const status = byTestId("image-model-status")!;
    expect(status.dataset.state).toBe("ready");
    expect(status.textContent?.trim()).toBe("Runs as is");
    expect((byTestId("metadata-run-again") as HTMLButtonElement).disabled).toBe(false);
  });

  it("disables Run again with the reason when the workflow needs model mappings", async () => {
    answer(host, 500);
    mocked.workflowReadiness.mockResolvedValue([readiness({ ready: false, unmapped: 2 })]);
    const view = await mountView();
    close = view.close;
    document
      .querySelector('[data-testid="gallery-cell"][data-id="2"]')!
      .dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
    await settle();
    const status = byTestId("image-model-status")!;
    expect(status.dataset.state).toBe("unmapped");
    expect(status.textContent?.trim()).toBe("2 models to map");
    const again = byTestId("metadata-run-again") as HTMLButtonElement;
    expect(again.disabled).toBe(true);
    expect(again.title).toBe(
      "Map 2 model files to Tensor.Art models first. Open it in Generate to map its models.",
    );
    expect(again.getAttribute("aria-describedby")).toBe(status.id);
    again.click();
    await settle();
    expect(view.props.start).not.toHaveBeenCalled();
    expect(mocked.runAgain).not.toHaveBeenCalled();
    // Opening the workflow stays possible: that is where its models get mapped.
    expect((byTestId("metadata-open-workflow") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says an image carries no workflow without calling it an error", async () => {
    answer(host, 500);
    mocked.imageWorkflow.mockRejectedValue({ code: "invalidWorkflow", message: "no prompt chunk" });
    const view = await mountView();
    close = view.close;
    document
      .querySelector('[data-testid="gallery-cell"][data-id="1"]')!
      .dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
    await settle();
    expect(byTestId("metadata")?.textContent).toContain("This image carries no workflow.");
    expect((byTestId("metadata-open-workflow") as HTMLButtonElement).disabled).toBe(true);
    expect(byTestId("gallery-error")).toBeNull();
    expect(byTestId("image-model-status")).toBeNull();
    expect(mocked.workflowReadiness).not.toHaveBeenCalled();
  });

  it("adds and removes tags", async () => {
    await openViewer(5);
    const input = byTestId("metadata")!.querySelector<HTMLInputElement>(
      '[data-testid="tag-input"]',
    )!;
    input.value = "portrait";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    input.form!.requestSubmit();
    await settle();
    expect(mocked.addTag).toHaveBeenCalledWith([5], "portrait");
    expect(mocked.imageDetail).toHaveBeenCalledTimes(2);
    click(byTestId("metadata-tags")!.querySelector("button")!);
    await settle();
    expect(mocked.removeTag).toHaveBeenCalledWith([5], "best");
  });
});
