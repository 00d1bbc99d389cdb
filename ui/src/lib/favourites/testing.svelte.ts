// Test helpers for this folder (a sample favourite, props a test can change); not used by the app.

import type { Favourite } from "../bindings/Favourite";

/** A favourite with a two-node graph; `over` replaces any field. */
export function favourite(over: Partial<Favourite> = {}): Favourite {
  return {
    id: "f1",
    name: "Portrait",
    tags: ["people"],
    doc: {
      name: over.name ?? "Portrait",
      nodes: [
        { id: "1", classType: "CheckpointLoaderSimple", title: null, inputs: [], extra: {} },
        { id: "2", classType: "KSampler", title: null, inputs: [], extra: {} },
      ],
    },
    exposed: [],
    cover: null,
    createdAt: Date.UTC(2025, 0, 2),
    updatedAt: Date.UTC(2025, 4, 3),
    ...over,
  };
}

/** Props a test can change after `mount`, as the parent's state would. */
export function reactiveProps<T extends Record<string, unknown>>(initial: T): T {
  const props = $state(initial);
  return props;
}
