import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImportProgress } from "../bindings/ImportProgress";
import * as host from "../host/library";
import { setLocale } from "../i18n/index.svelte";
import { answer } from "./fixtures";
import { byTestId, click, key, layOut, mountView, settle } from "./testing.svelte";

vi.mock("../host/library", async () => (await import("./fixtures")).hostModule());

const mocked = vi.mocked(host);
let close: () => void = () => {};

beforeEach(() => layOut(1200, 800));
afterEach(() => {
  close();
  close = () => {};
  setLocale("en");
  document.body.innerHTML = "";
});

async function open(count = 500) {
  answer(host, count);
  const view = await mountView();
  close = view.close;
}

const lastFilter = () => mocked.queryImages.mock.lastCall![0].filter;

function choose(select: HTMLSelectElement | HTMLInputElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

describe("Toolbar", () => {
  it("offers the facets as filters and sorts", async () => {
    await open();
    const selects = [...document.querySelectorAll<HTMLSelectElement>(".filters select")];
    const [model, tag, workflow, size] = selects;
    expect(model.textContent).toContain("sdxl (9)");
    choose(model, "sdxl.safetensors");
    expect(lastFilter().model).toBe("sdxl.safetensors");
    choose(tag, "best");
    choose(workflow, "reference");
    choose(size, "1024");
    expect(lastFilter()).toMatchObject({ tag: "best", workflow: "reference", minWidth: 1024 });
    const from = document.querySelector<HTMLInputElement>('.filters input[type="date"]')!;
    choose(from, "2024-05-01");
    expect(lastFilter().from).toBe(new Date(2024, 4, 1).getTime());
    choose(byTestId("gallery-sort") as HTMLSelectElement, "largest");
    expect(mocked.queryImages.mock.lastCall![0].sort).toBe("largest");
    // Relevance needs a search.
    const relevance =
      byTestId("gallery-sort")!.querySelector<HTMLOptionElement>('[value="relevance"]')!;
    expect(relevance.disabled).toBe(true);
    click([...document.querySelectorAll<HTMLButtonElement>(".filters button")].at(-1)!);
    expect(lastFilter()).toMatchObject({ model: null, tag: null, from: null, minWidth: null });
  });

  it("imports a folder, showing progress, then refreshes", async () => {
    await open();
    const progress = mocked.onImportProgress.mock.calls[0][0];
    let finish: (p: ImportProgress) => void = () => {};
    mocked.importFolder.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    click(byTestId("gallery-import")!);
    expect((byTestId("gallery-import") as HTMLButtonElement).disabled).toBe(true);
    progress({ total: 2000, done: 500, added: 400, known: 100, failed: [] });
    flushSync();
    expect(byTestId("gallery-import-progress")?.textContent).toContain("Importing 500 of 2,000");
    const queries = mocked.queryImages.mock.calls.length;
    finish({ total: 2000, done: 2000, added: 1890, known: 100, failed: ["a.png: truncated"] });
    await settle();
    expect(byTestId("gallery-import-progress")).toBeNull();
    expect(byTestId("toast")?.textContent).toContain("1,890 new");
    expect(byTestId("toast")?.textContent).toContain("1 could not be read");
    expect(byTestId("gallery-error")?.textContent).toContain("a.png: truncated");
    expect(mocked.queryImages.mock.calls.length).toBeGreaterThan(queries);
  });

  it("does nothing when the import is cancelled", async () => {
    await open();
    mocked.importFolder.mockResolvedValue(null);
    click(byTestId("gallery-import")!);
    await settle();
    expect(byTestId("gallery-import-progress")).toBeNull();
    expect(byTestId("toast")).toBeNull();
  });

  it("empties the trash after asking, and restores from it", async () => {
    await open();
    mocked.emptyTrash.mockResolvedValue({ removed: 2, failed: [] });
    click(byTestId("gallery-trash")!);
    await settle();
    click(byTestId("gallery-empty-trash")!);
    expect(mocked.emptyTrash).not.toHaveBeenCalled();
    click(byTestId("gallery-empty-trash-yes")!);
    await settle();
    expect(mocked.emptyTrash).toHaveBeenCalled();
    expect(byTestId("toast")?.textContent).toContain("Removed 2 images from the trash.");

    click(document.querySelector('[data-testid="gallery-cell"][data-id="7"]')!);
    click(byTestId("gallery-restore")!);
    await settle();
    expect(mocked.restoreImages).toHaveBeenCalledWith([7]);
    // Delete does not trash what is already in the trash.
    key("Delete");
    expect(mocked.trashImages).not.toHaveBeenCalled();
  });

  it("speaks Chinese with Chinese number formatting", async () => {
    setLocale("zh-CN");
    await open(12_345);
    expect(byTestId("gallery-count")?.textContent).toContain("12,345 张图片");
    expect(byTestId("gallery-import")?.textContent).toContain("导入文件夹");
  });
});
