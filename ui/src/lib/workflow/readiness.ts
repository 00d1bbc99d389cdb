// What a workflow's readiness says, wherever it is shown (the Generate toolbar, a favourite
// card, a gallery image's "Run again"): the badge's state and text, the warning about node
// classes the service may lack (which never blocks), and why Run is disabled. Pure apart from
// the catalogue. Leaves out asking the backend (`inspect_workflow`, `workflow_readiness`).

import type { Readiness } from "../bindings/Readiness";
import { t } from "../i18n/index.svelte";

/** `ready`: nothing stops a run; `unmapped`: model files need mapping; `blocked`: other errors. */
export type ReadinessState = "ready" | "unmapped" | "blocked";

export type ReadinessView = {
  state: ReadinessState;
  /** The badge's text. */
  text: string;
  /** Node classes the bundled schemas do not describe: the service may lack them. */
  warning: boolean;
  /** The badge's tooltip: the rule, and the unknown classes by name. */
  title: string;
  /** Why Run is disabled; null when it is not. */
  reason: string | null;
};

const counted = (key: string, count: number) =>
  count === 1 ? t(`${key}.one`) : t(`${key}.other`, { count });

export function describeReadiness(readiness: Readiness): ReadinessView {
  const { ready, errors, unmapped, unknownClasses } = readiness;
  const state: ReadinessState = ready ? "ready" : unmapped > 0 ? "unmapped" : "blocked";
  const unknown =
    unknownClasses.length > 0 ? counted("readiness.unknown", unknownClasses.length) : null;

  const parts: string[] = [];
  const reasons: string[] = [];
  if (!ready) {
    if (unmapped > 0) {
      parts.push(counted("readiness.unmapped", unmapped));
      reasons.push(counted("readiness.reason.unmapped", unmapped));
    }
    if (errors > 0) {
      parts.push(counted("readiness.errors", errors));
      reasons.push(counted("readiness.reason.errors", errors));
    }
    if (parts.length === 0) {
      parts.push(t("readiness.blocked"));
      reasons.push(t("readiness.reason.blocked"));
    }
  }
  // Ready with unknown classes: the warning is the whole message ("as is" would not be true).
  if (unknown !== null) parts.push(unknown);
  if (parts.length === 0) parts.push(t("readiness.ready"));

  const title = [
    t("readiness.title"),
    unknown === null ? null : t("readiness.unknownTitle", { classes: unknownClasses.join(", ") }),
  ]
    .filter((line) => line !== null)
    .join("\n");
  return {
    state,
    text: parts.join(" · "),
    warning: unknown !== null,
    title,
    reason: ready ? null : reasons.join(" "),
  };
}
