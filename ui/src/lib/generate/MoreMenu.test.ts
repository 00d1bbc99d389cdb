// The Generate toolbar's ⋯ menu, which holds Open…, the recent files and Save as favourite when
// the window is too narrow for their buttons: by pointer and by keyboard. Which of the two a
// window shows is CSS (a media query jsdom does not apply), so both are in the document here.
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readiness } from "../testing/inspection";
import GenerateToolbar from "./GenerateToolbar.svelte";

let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

function show(workflowName: string | null = "reference") {
  const props = {
    workflowName,
    canRun: true,
    readiness: readiness(),
    active: false,
    count: 1,
    perRun: 1,
    recent: ["/work/flows/portrait.json", "/work/flows/upscale.json"],
    oncount: vi.fn(),
    onrun: vi.fn(),
    onrunnext: vi.fn(),
    oncancel: vi.fn(),
    onopen: vi.fn(),
    onrecent: vi.fn(),
    onsavefavourite: vi.fn(),
  };
  view = mount(GenerateToolbar, { target: document.body, props });
  flushSync();
  return props;
}

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const more = () => byTestId("toolbar-more") as HTMLButtonElement;
const menu = () => byTestId("toolbar-more-menu");
const items = () => [...menu()!.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];

function openMenu() {
  more().click();
  flushSync();
}

function press(key: string) {
  document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  flushSync();
}

describe("the toolbar's ⋯ menu", () => {
  it("holds Open…, Save as favourite and every recent file, each doing its button's work", () => {
    const props = show();
    expect(menu()).toBeNull();
    expect(more().getAttribute("aria-expanded")).toBe("false");
    openMenu();
    expect(more().getAttribute("aria-expanded")).toBe("true");
    expect(items().map((b) => b.textContent)).toEqual([
      "Open…Ctrl+O",
      "Save as favouriteCtrl+S",
      "portrait.json",
      "upscale.json",
    ]);
    expect(items()[3].title).toBe("/work/flows/upscale.json");

    items()[3].click();
    flushSync();
    expect(props.onrecent).toHaveBeenCalledWith("/work/flows/upscale.json");
    expect(menu()).toBeNull();
    openMenu();
    byTestId("more-open-file")!.click();
    openMenu();
    byTestId("more-save-favourite")!.click();
    expect(props.onopen).toHaveBeenCalledTimes(1);
    expect(props.onsavefavourite).toHaveBeenCalledTimes(1);
  });

  it("keeps the wide bar's own buttons, with the ids the app tests use", () => {
    show();
    for (const id of ["open-file", "recent-toggle", "save-favourite", "run"]) {
      expect(byTestId(id), id).not.toBeNull();
    }
    // The menu's copies have ids of their own, so a selector never finds a hidden twin first.
    expect(document.querySelectorAll('[data-testid="open-file"]')).toHaveLength(1);
  });

  it("works by keyboard: first item focused, arrows move, Escape gives focus back", () => {
    const props = show();
    openMenu();
    expect(document.activeElement).toBe(byTestId("more-open-file"));
    press("ArrowDown");
    expect(document.activeElement).toBe(byTestId("more-save-favourite"));
    press("End");
    expect(document.activeElement?.textContent).toBe("upscale.json");
    press("ArrowDown");
    expect(document.activeElement).toBe(byTestId("more-open-file"));
    press("ArrowUp");
    expect(document.activeElement?.textContent).toBe("upscale.json");
    press("Escape");
    expect(menu()).toBeNull();
    expect(document.activeElement).toBe(more());
    expect(props.onrecent).not.toHaveBeenCalled();
  });

  it("cannot save without a workflow, and the arrows pass over that item", () => {
    show(null);
    openMenu();
    expect((byTestId("more-save-favourite") as HTMLButtonElement).disabled).toBe(true);
    press("ArrowDown");
    expect(document.activeElement?.textContent).toBe("portrait.json");
  });

  it("closes on a click outside it", () => {
    show();
    openMenu();
    document.body.click();
    flushSync();
    expect(menu()).toBeNull();
  });
});
