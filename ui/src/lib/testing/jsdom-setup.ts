// What the UI needs from a browser that jsdom lacks, for tests (Vitest's setupFiles). Svelte
// Flow's store calls matchMedia when it is created, Svelte's size bindings create a
// ResizeObserver, and drops ask elementFromPoint which field is under the pointer. Stand-ins only: jsdom has no
// layout, so panes measure 0 × 0 and no observer ever fires (which also keeps the library from
// the DOMMatrix it only needs when measuring). Leaves out any real media query.

class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

function matchMediaStub(query: string): MediaQueryList {
  return {
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  };
}

globalThis.ResizeObserver ??= ResizeObserverStub;
globalThis.matchMedia ??= matchMediaStub;

// jsdom has no layout, so nothing is ever under a point.
if (typeof document !== "undefined") document.elementFromPoint ??= () => null;
