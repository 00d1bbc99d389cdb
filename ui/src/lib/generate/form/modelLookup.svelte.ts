// The answer about one model id as a field shows it: nothing to ask, asking, known, or failed.
// Asked again whenever the id changes; an answer for an id no longer shown is dropped. Shared by
// the id field and the file-name picker. Leaves out when to ask (each field's typing pause) and
// the cache of answers (`describeModel`).

import type { AppError } from "../../bindings/AppError";
import type { ModelInfo } from "../../bindings/ModelInfo";
import { toAppError } from "../../errors";
import { describeModel } from "./models";

export type ModelLookup =
  | { state: "none" }
  | { state: "loading" }
  | { state: "known"; info: ModelInfo }
  | { state: "failed"; error: AppError };

/** Follows the id `asked` returns (empty or null: none); call during component set-up. */
export function lookupModel(asked: () => string | null): { readonly current: ModelLookup } {
  let lookup = $state.raw<ModelLookup>({ state: "none" });
  $effect(() => {
    const current = asked();
    if (!current) {
      lookup = { state: "none" };
      return;
    }
    let live = true;
    lookup = { state: "loading" };
    describeModel(current).then(
      (info) => {
        if (live) lookup = { state: "known", info };
      },
      (error: unknown) => {
        if (live) lookup = { state: "failed", error: toAppError(error) };
      },
    );
    return () => {
      live = false;
    };
  });
  return {
    get current() {
      return lookup;
    },
  };
}
