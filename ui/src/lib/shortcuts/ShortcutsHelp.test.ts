import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLocale } from "../i18n/index.svelte";
import ShortcutsHelp from "./ShortcutsHelp.svelte";
import { SHORTCUTS } from "./shortcuts";

let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  setLocale("en");
  document.body.innerHTML = "";
});

function open(onclose = vi.fn()) {
  view = mount(ShortcutsHelp, { target: document.body, props: { onclose } });
  flushSync();
  return onclose;
}

const help = () => document.querySelector<HTMLElement>('[data-testid="shortcuts-help"]')!;

describe("ShortcutsHelp", () => {
  it("shows every shortcut with its description and keys", () => {
    open();
    expect(help().getAttribute("role")).toBe("dialog");
    expect(help().querySelectorAll("[data-shortcut]")).toHaveLength(SHORTCUTS.length);
    const run = help().querySelector('[data-shortcut="run"]')!;
    expect(run.textContent).toContain("Run the workflow");
    expect(run.textContent).toMatch(/Ctrl|⌘/);
    const helpRow = help().querySelector('[data-shortcut="help"]')!;
    expect(helpRow.textContent).toContain("?");
    expect(helpRow.textContent).toContain("F1");
  });

  it("is translated", () => {
    setLocale("zh-CN");
    open();
    expect(help().textContent).toContain("键盘快捷键");
    expect(help().textContent).toContain("运行工作流");
  });

  it("closes on Esc without letting the key reach the app", () => {
    const appHandler = vi.fn();
    window.addEventListener("keydown", appHandler);
    const onclose = open();
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(onclose).toHaveBeenCalledOnce();
    expect(appHandler).not.toHaveBeenCalled();
    window.removeEventListener("keydown", appHandler);
  });

  it("closes from its button and gives focus back", () => {
    const before = document.createElement("button");
    document.body.append(before);
    before.focus();
    const onclose = open();
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Close");
    help().querySelector<HTMLButtonElement>("button")!.click();
    expect(onclose).toHaveBeenCalledOnce();
    unmount(view!);
    view = null;
    expect(document.activeElement).toBe(before);
  });
});
