// Test fixtures for the gallery: a fake library of N images answering keyset-paged queries with
// opaque cursors like the backend's, and a stand-in for the host module (for vi.mock; this file
// imports no component, so the mock factory can load it). Used by tests only.

import { vi } from "vitest";
import type { ImageDetail } from "../bindings/ImageDetail";
import type { ImageQuery } from "../bindings/ImageQuery";
import type { ImageSummary } from "../bindings/ImageSummary";
import type { Page } from "../bindings/Page";
import type * as Library from "../host/library";
import { readiness } from "../testing/inspection";
import { referenceDoc } from "../testing/reference";

/** The summary of fake image number `n` (ids start at 1, newest first). */
export function summary(n: number, favourite = false): ImageSummary {
  return {
    id: n,
    path: `/library/${n}.png`,
    width: 1024,
    height: 1024,
    createdAt: 1_700_000_000_000 - n * 1000,
    favourite,
    seed: n * 7,
    workflow: "reference",
    sweepId: null,
    sweepCells: null,
  };
}

/** A library of `count` images answering keyset-paged queries. */
export function fakeLibrary(count: number) {
  return (query: Pick<ImageQuery, "cursor" | "limit">): Promise<Page> => {
    const start = query.cursor === null ? 0 : Number(query.cursor.slice(1));
    const limit = query.limit || 200;
    const end = Math.min(count, start + limit);
    const items = Array.from({ length: Math.max(0, end - start) }, (_, i) =>
      summary(start + i + 1),
    );
    return Promise.resolve({ items, nextCursor: end < count ? `k${end}` : null });
  };
}

/** The host module as tests see it: every command a mock, URLs as the real ones on Linux. */
export function hostModule() {
  return {
    queryImages: vi.fn(),
    countImages: vi.fn(),
    libraryCounts: vi.fn(),
    libraryFacets: vi.fn(),
    imageDetail: vi.fn(),
    setFavourite: vi.fn(),
    addTag: vi.fn(),
    removeTag: vi.fn(),
    trashImages: vi.fn(),
    restoreImages: vi.fn(),
    emptyTrash: vi.fn(),
    revealImage: vi.fn(),
    copyImage: vi.fn(),
    exportImages: vi.fn(),
    imageWorkflow: vi.fn(),
    compareImages: vi.fn(),
    runAgain: vi.fn(),
    importFolder: vi.fn(),
    onLibraryChanged: vi.fn(),
    onImportProgress: vi.fn(),
    workflowReadiness: vi.fn(),
    libraryImageUrl: (id: number) => `easel://localhost/image/${id}`,
    thumbUrl: (id: number) => `easel://localhost/thumb/${id}`,
  };
}

export function detail(id: number): ImageDetail {
  return {
    summary: summary(id),
    hash: "ab12",
    fileSize: 1_250_000,
    source: "easel",
    runId: "run-1",
    jobId: "job-1",
    nodeId: "9",
    prompt: `a cat number ${id}`,
    negative: "blurry",
    models: [{ kind: "checkpoint", ident: "sdxl.safetensors", name: "sdxl" }],
    classes: ["KSampler"],
    tags: ["best"],
    trashedAt: null,
    backend: null,
  };
}

/** Sensible answers for every command, over a library of `count` images. */
export function answer(host: typeof Library, count: number) {
  const m = vi.mocked(host);
  const library = fakeLibrary(count);
  const handlers = {
    changed: (_ids: number[]) => {},
  };
  m.queryImages.mockImplementation((q) => library(q));
  m.countImages.mockResolvedValue(count);
  m.libraryCounts.mockResolvedValue({ images: count, favourites: 0, trashed: 2 });
  m.libraryFacets.mockResolvedValue({
    models: [{ value: { kind: "checkpoint", ident: "sdxl.safetensors", name: "sdxl" }, count: 9 }],
    tags: [{ value: "best", count: 3 }],
    workflows: [{ value: "reference", count }],
  });
  m.imageDetail.mockImplementation(async (id) => detail(id));
  m.imageWorkflow.mockImplementation(async () => ({
    doc: referenceDoc(),
    format: "pngPrompt",
    warnings: [],
    fields: [],
  }));
  m.setFavourite.mockResolvedValue(undefined);
  m.addTag.mockResolvedValue(undefined);
  m.removeTag.mockResolvedValue(undefined);
  m.trashImages.mockImplementation(async (ids) => ids);
  m.restoreImages.mockResolvedValue(undefined);
  m.runAgain.mockResolvedValue(["run-9"]);
  m.workflowReadiness.mockImplementation(async (docs) => docs.map(() => readiness()));
  m.exportImages.mockImplementation(async (ids) => ids.map((id) => `/out/${id}.png`));
  m.onLibraryChanged.mockImplementation(async (handler) => {
    handlers.changed = handler;
    return () => {};
  });
  m.onImportProgress.mockResolvedValue(() => {});
  return handlers;
}
