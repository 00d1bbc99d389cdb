import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExposedField } from "../bindings/ExposedField";
import * as host from "../host/favourites";
import SaveFavouriteDialog from "./SaveFavouriteDialog.svelte";
import { favourite } from "./testing.svelte";

vi.mock("../host/favourites", () => ({ saveFavourite: vi.fn() }));

const mocked = vi.mocked(host);
const doc = favourite().doc;
const prompt: ExposedField = {
  nodeId: "6",
  fieldName: "text",
  fieldValue: "a cat",
  nodeName: "CLIPTextEncode",
  label: "Prompt",
};

let view: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (view) unmount(view);
  view = null;
  document.body.innerHTML = "";
});

async function settle() {
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

function open(over: Partial<{ exposed: ExposedField[]; existing: ReturnType<typeof favourite> }>) {
  const props = {
    doc: { ...doc, name: "Untitled portrait" },
    exposed: over.exposed ?? [],
    cover: 42,
    existing: over.existing ?? null,
    onsaved: vi.fn(),
    onclose: vi.fn(),
  };
  view = mount(SaveFavouriteDialog, { target: document.body, props });
  flushSync();
  return props;
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`);

function type(id: string, value: string) {
  const input = byTestId<HTMLInputElement>(id)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("SaveFavouriteDialog", () => {
  it("saves a new favourite with name, tags, exposed fields and cover", async () => {
    const saved = favourite({ id: "new" });
    mocked.saveFavourite.mockResolvedValue(saved);
    const props = open({ exposed: [prompt] });
    const name = byTestId<HTMLInputElement>("favourite-name-input")!;
    expect(name.value).toBe("Untitled portrait");
    expect(document.activeElement).toBe(name);
    expect(byTestId("favourite-exposed")?.textContent).toContain("1 field is shown");
    expect(byTestId("favourite-dialog")?.textContent).toContain("Save as favourite");

    type("favourite-name-input", "  Cats  ");
    type("favourite-tags-input", "pets, Cute ,, pets");
    byTestId("favourite-save")!.click();
    await settle();
    expect(mocked.saveFavourite).toHaveBeenCalledWith({
      id: null,
      name: "Cats",
      tags: ["pets", "Cute"],
      doc: { ...doc, name: "Untitled portrait" },
      exposed: [prompt],
      cover: 42,
    });
    expect(props.onsaved).toHaveBeenCalledWith(saved);
  });

  it("updates the favourite it was opened for, or saves a copy as new", async () => {
    const existing = favourite({ id: "f9", name: "Old name", tags: ["a", "b"] });
    mocked.saveFavourite.mockResolvedValue(existing);
    open({ existing });
    expect(byTestId<HTMLInputElement>("favourite-name-input")!.value).toBe("Old name");
    expect(byTestId<HTMLInputElement>("favourite-tags-input")!.value).toBe("a, b");
    expect(byTestId("favourite-save")?.textContent).toContain("Update");
    expect(byTestId("favourite-exposed")?.textContent).toContain("0 fields");

    byTestId("favourite-save")!.click();
    await settle();
    expect(mocked.saveFavourite.mock.calls[0][0]).toMatchObject({ id: "f9", name: "Old name" });
    byTestId("favourite-save-new")!.click();
    await settle();
    expect(mocked.saveFavourite.mock.calls[1][0]).toMatchObject({ id: null });
  });

  it("needs a name and shows what the backend refused", async () => {
    mocked.saveFavourite.mockRejectedValue({
      code: "invalidFavourite",
      message: 'favourite "Cats": the workflow has no nodes',
    });
    const props = open({});
    type("favourite-name-input", "   ");
    expect(byTestId<HTMLButtonElement>("favourite-save")!.disabled).toBe(true);
    type("favourite-name-input", "Cats");
    byTestId("favourite-save")!.click();
    await settle();
    expect(byTestId("favourite-save-error")?.textContent).toContain("no nodes");
    expect(props.onsaved).not.toHaveBeenCalled();
  });

  it("closes on Esc and Cancel", () => {
    const props = open({});
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(props.onclose).toHaveBeenCalledOnce();
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Cancel")!.click();
    expect(props.onclose).toHaveBeenCalledTimes(2);
  });
});
