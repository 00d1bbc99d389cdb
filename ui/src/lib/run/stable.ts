// Lists derived from the queue keep their identity while their items do not change, so a run
// event that touches nothing in a list does not hand `{#each}` (or a component's props) a new
// array to go through. Leaves out deep comparison: items are compared by identity, which the
// reducers keep for everything they do not change.

/** Whether `a` and `b` hold the same items, in the same order. */
export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((item, i) => item === b[i]);
}

/** A function that returns the list it was given, unless that holds the same items as the one it
 * returned last time, which it returns again. One per derived list: `$derived(keep(next))`. */
export function stableList<T>(): (next: T[]) => T[] {
  let last: T[] | null = null;
  return (next) => {
    if (last !== null && sameList(last, next)) return last;
    last = next;
    return next;
  };
}
