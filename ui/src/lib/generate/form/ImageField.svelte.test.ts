// Image inputs: choosing, pasting into the focused field, and window drops routed by position.
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InputPicture } from "../../bindings/InputPicture";
import { imageDropTarget } from "./imageDrop";
import * as host from "../../host";
import ImageField from "./ImageField.svelte";

vi.mock("../../host", () => ({
  pickInputImage: vi.fn(),
  useInputImage: vi.fn(),
  pasteInputImage: vi.fn(),
  inputUrl: (token: string) => `easel://localhost/input/${token}`,
}));

const mocked = vi.mocked(host);

const picture = (path: string, token = "tok"): InputPicture => ({
  image: { path, format: "png", width: 832, height: 1216 },
  token,
});

let view: ReturnType<typeof mount> | null = null;
const props = $state({
  id: "form-12-image",
  testid: "12-image",
  value: "example.png" as unknown,
  onchange: vi.fn<(value: string) => void>(),
});

beforeEach(() => {
  props.value = "example.png";
  props.onchange = vi.fn((value: string) => {
    props.value = value;
  });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
  Reflect.deleteProperty(document, "elementFromPoint");
});

async function settle() {
  for (let i = 0; i < 6; i++) await tick();
  flushSync();
}

function show() {
  view = mount(ImageField, { target: document.body, props });
  flushSync();
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);

function paste(target: HTMLElement, items: { kind: string; type: string; file: File | null }[]) {
  const event = new Event("paste", { bubbles: true, cancelable: true });
  Object.defineProperty(event, "clipboardData", {
    value: { items: items.map((i) => ({ kind: i.kind, type: i.type, getAsFile: () => i.file })) },
  });
  target.dispatchEvent(event);
  return event;
}

describe("ImageField", () => {
  it("shows a value it has no picture for as text, not previewable", () => {
    show();
    expect(byTestId("image-preview-12-image")).toBeNull();
    expect(byTestId("field-12-image")?.textContent).toContain("example.png");
    expect(byTestId("image-note-12-image")?.textContent).toContain("Not previewable");
  });

  it("chooses a picture and shows its preview, size and format", async () => {
    mocked.pickInputImage.mockResolvedValue(picture("/home/me/cat.png", "t1"));
    show();
    byTestId("image-choose-12-image")!.click();
    await settle();
    expect(props.onchange).toHaveBeenCalledWith("/home/me/cat.png");
    const img = byTestId<HTMLImageElement>("image-preview-12-image")!;
    expect(img.getAttribute("src")).toBe("easel://localhost/input/t1");
    expect(byTestId("image-size-12-image")?.textContent).toMatch(/832 × 1216 px\s*· PNG/);
    expect(byTestId("field-12-image")?.textContent).toContain("cat.png");
  });

  it("keeps the preview of a picture given this session across re-renders", async () => {
    mocked.pickInputImage.mockResolvedValue(picture("/home/me/kept.png", "t2"));
    show();
    byTestId("image-choose-12-image")!.click();
    await settle();
    unmount(view!);
    view = null;
    show();
    expect(byTestId("image-preview-12-image")?.getAttribute("src")).toBe(
      "easel://localhost/input/t2",
    );
  });

  it("leaves the value alone when the dialog is cancelled, and shows refusals", async () => {
    mocked.pickInputImage.mockResolvedValueOnce(null);
    show();
    byTestId("image-choose-12-image")!.click();
    await settle();
    expect(props.onchange).not.toHaveBeenCalled();
    mocked.pickInputImage.mockRejectedValueOnce({ code: "badImage", message: "Not a picture" });
    byTestId("image-choose-12-image")!.click();
    await settle();
    const error = byTestId("image-error-12-image")!;
    expect(error.dataset.code).toBe("badImage");
    expect(error.textContent).toContain("Not a picture");
    expect(props.onchange).not.toHaveBeenCalled();
  });

  it("takes a pasted picture's bytes and keeps the paste from the window", async () => {
    mocked.pasteInputImage.mockResolvedValue(picture("/data/pasted-inputs/p1.png", "t3"));
    const windowPaste = vi.fn();
    window.addEventListener("paste", windowPaste);
    show();
    const zone = byTestId("field-12-image")!;
    zone.focus();
    const file = new File([new Uint8Array([137, 80, 78, 71])], "clip.png", { type: "image/png" });
    const event = paste(zone, [
      { kind: "string", type: "text/plain", file: null },
      { kind: "file", type: "image/png", file },
    ]);
    await settle();
    window.removeEventListener("paste", windowPaste);
    expect(event.defaultPrevented).toBe(true);
    expect(windowPaste).not.toHaveBeenCalled();
    const bytes = mocked.pasteInputImage.mock.calls[0][0];
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([137, 80, 78, 71]);
    expect(props.onchange).toHaveBeenCalledWith("/data/pasted-inputs/p1.png");
    expect(byTestId("image-preview-12-image")).not.toBeNull();
  });

  it("lets a paste without a picture through", async () => {
    show();
    const event = paste(byTestId("field-12-image")!, [
      { kind: "string", type: "text/plain", file: null },
    ]);
    await settle();
    expect(event.defaultPrevented).toBe(false);
    expect(mocked.pasteInputImage).not.toHaveBeenCalled();
  });
});

describe("imageDropTarget", () => {
  function pointAt(element: Element | null) {
    Object.defineProperty(document, "elementFromPoint", {
      configurable: true,
      value: vi.fn(() => element),
    });
  }

  it("finds the image field under a point and uses the dropped file for it", async () => {
    mocked.useInputImage.mockResolvedValue(picture("/home/me/dropped.webp", "t4"));
    show();
    const inside = byTestId("field-12-image")!.querySelector(".hint")!;
    pointAt(inside);
    const use = imageDropTarget(40, 60);
    expect(document.elementFromPoint).toHaveBeenCalledWith(40, 60);
    expect(use).not.toBeNull();
    await use!("/home/me/dropped.webp");
    await settle();
    expect(mocked.useInputImage).toHaveBeenCalledWith("/home/me/dropped.webp");
    expect(props.onchange).toHaveBeenCalledWith("/home/me/dropped.webp");
    expect(byTestId("image-preview-12-image")?.getAttribute("src")).toBe(
      "easel://localhost/input/t4",
    );
  });

  it("shows a refused drop under the field", async () => {
    mocked.useInputImage.mockRejectedValue({
      code: "badImage",
      message: "Not a PNG, JPEG or WebP",
    });
    show();
    pointAt(byTestId("field-12-image"));
    await imageDropTarget(1, 1)!("/tmp/notes.txt");
    await settle();
    expect(byTestId("image-error-12-image")?.textContent).toContain("Not a PNG");
    expect(props.onchange).not.toHaveBeenCalled();
  });

  it("is null elsewhere, and once the field is gone", () => {
    show();
    const zone = byTestId("field-12-image")!;
    pointAt(document.body);
    expect(imageDropTarget(0, 0)).toBeNull();
    pointAt(null);
    expect(imageDropTarget(0, 0)).toBeNull();
    pointAt(zone);
    expect(imageDropTarget(0, 0)).not.toBeNull();
    unmount(view!);
    view = null;
    expect(imageDropTarget(0, 0)).toBeNull();
  });
});
