import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import indexHtml from "../../../index.html?raw";
import { EARLY_THEME_SCRIPT } from "../settings/theme";
import AppBar from "./AppBar.svelte";
import {
  afterFirstPaint,
  BRAND_HTML,
  PAINT_WAIT_MS,
  SHELL_HTML,
  SHELL_SLOT,
  takeShell,
  THEME_SLOT,
  withShell,
} from "./shell";

function parse(html: string): Document {
  return new DOMParser().parseFromString(html, "text/html");
}

let bar: ReturnType<typeof mount> | null = null;
afterEach(() => {
  vi.useRealTimers();
  if (bar) unmount(bar);
  bar = null;
  document.body.innerHTML = "";
});

describe("the app shell", () => {
  it("fills index.html's mount target with the bar and brand, once", () => {
    const page = parse(withShell(indexHtml));
    const app = page.getElementById("app")!;
    expect(app.children).toHaveLength(1);
    expect(app.querySelectorAll("[data-shell]")).toHaveLength(1);
    expect(
      app.querySelector("[data-shell] > header.app-bar > .app-brand svg.app-logo"),
    ).not.toBeNull();
    expect(app.textContent).toBe("Easel");
    const early = [...page.head.querySelectorAll("script:not([src])")];
    expect(early.map((e) => e.textContent)).toEqual([EARLY_THEME_SCRIPT]);
    expect(page.head.innerHTML.indexOf("<script>")).toBeLessThan(
      page.head.innerHTML.indexOf("<title>"),
    );
  });

  it("refuses an index.html without its slot rather than ship no shell", () => {
    expect(() => withShell(indexHtml.replace(SHELL_SLOT, ""))).toThrow(/app shell/);
    expect(() => withShell(indexHtml.replace(THEME_SLOT, ""))).toThrow(/app theme/);
  });

  it("is the brand AppBar draws, so the mounted bar lands on it", () => {
    const shell = parse(withShell(indexHtml)).querySelector("[data-shell] .app-brand")!;
    bar = mount(AppBar, {
      target: document.body,
      props: { view: "generate", onview: () => {}, backend: null, onhelp: () => {} },
    });
    flushSync();
    const header = document.querySelector("header")!;
    expect(header.classList.contains("app-bar")).toBe(true);
    const brand = header.firstElementChild!;
    expect(brand.outerHTML).toBe(shell.outerHTML);
    expect(brand.outerHTML).toBe(parse(BRAND_HTML).body.firstElementChild!.outerHTML);
  });

  it("is taken out of the target, and nothing else is", () => {
    const target = document.createElement("div");
    target.innerHTML = `${SHELL_HTML}<p>kept</p>`;
    takeShell(target);
    expect(target.innerHTML).toBe("<p>kept</p>");
  });
});

describe("afterFirstPaint", () => {
  const painted = (entries: PerformanceEntry[]) =>
    vi.spyOn(performance, "getEntriesByType").mockReturnValue(entries);

  it("runs at once when the window has painted", () => {
    painted([{ name: "first-paint" } as PerformanceEntry]);
    const then = vi.fn();
    afterFirstPaint(then);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("waits for the next frame's paint, once", () => {
    vi.useFakeTimers();
    painted([]);
    let frame: FrameRequestCallback | null = null;
    vi.spyOn(window, "requestAnimationFrame").mockImplementation((f) => {
      frame = f;
      return 1;
    });
    const then = vi.fn();
    afterFirstPaint(then);
    expect(then).not.toHaveBeenCalled();
    frame!(0);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(then).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(PAINT_WAIT_MS);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("does not wait for frames a hidden window never gets", () => {
    vi.useFakeTimers();
    painted([]);
    vi.spyOn(window, "requestAnimationFrame").mockReturnValue(1);
    const then = vi.fn();
    afterFirstPaint(then);
    vi.advanceTimersByTime(PAINT_WAIT_MS - 1);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(then).toHaveBeenCalledTimes(1);
  });
});
