// The layout as Svelte Flow nodes and edges, plus how a link looks for a run and a selection.
// Nodes and edges only change with the layout: live state (node states, selection, problems)
// reaches the cards and links through one shared `GraphLive`, read per node, so a progress event
// re-renders what changed instead of handing the library a whole new graph. Leaves out rendering (GraphPanel,
// NodeCard, LinkEdge).

import { Position, type Edge, type Node } from "@xyflow/svelte";
import type { NodeRun } from "../../run/reduce";
import { inputHandle, outputHandle, type CardShape } from "./card";
import type { LaneRoute } from "./lanes";
import type { GraphLayout, Link } from "./layout";
import type { NodeDoc } from "../../bindings/NodeDoc";

/** What cards and links read to show the live state; getters, so reads stay reactive. */
export type GraphLive = {
  /** The state of node `id` in the shown run; a read follows that node only. */
  nodeOf(id: string): NodeRun;
  readonly selectedId: string | null;
  errorsOf(id: string): number;
  select(id: string | null): void;
};

export type CardData = { node: NodeDoc; shape: CardShape; live: GraphLive };
export type CardNode = Node<CardData, "card">;
/** `route` is set for a link between rows of a folded layout, which runs along a lane. */
export type LinkData = { live: GraphLive; route: LaneRoute | null };
export type LinkEdge = Edge<LinkData, "link">;

export type LinkLook = {
  /** Touches the selected node. */
  hot: boolean;
  /** Data is flowing: the source is done and the target is running. */
  flowing: boolean;
  /** Both ends have run. */
  done: boolean;
};

export function linkLook(
  link: Pick<Link, "source" | "target">,
  nodeOf: (id: string) => NodeRun,
  selectedId: string | null,
): LinkLook {
  const from = nodeOf(link.source).state;
  const to = nodeOf(link.target).state;
  return {
    hot: selectedId !== null && (link.source === selectedId || link.target === selectedId),
    flowing: from === "done" && to === "running",
    done: from === "done" && to === "done",
  };
}

export function toFlow(
  layout: GraphLayout,
  live: GraphLive,
  linkLabel: (link: Link) => string,
): { nodes: CardNode[]; edges: LinkEdge[] } {
  const nodes = layout.nodes.map(({ node, shape, x, y }): CardNode => {
    const size = { width: shape.width, height: shape.height };
    return {
      id: node.id,
      type: "card",
      position: { x, y },
      data: { node, shape, live },
      // Known sizes and connection points: the graph draws at once and fits the view without
      // waiting for the DOM to be measured.
      ...size,
      measured: size,
      handles: shape.handles.map((h) => ({
        id: h.id,
        type: h.type,
        position: h.side === "left" ? Position.Left : Position.Right,
        x: h.x,
        y: h.y,
        width: h.size,
        height: h.size,
      })),
    };
  });
  const edges = layout.links.map((link): LinkEdge => ({
    id: link.id,
    type: "link",
    source: link.source,
    sourceHandle: outputHandle(link.output),
    target: link.target,
    targetHandle: inputHandle(link.input),
    data: { live, route: layout.routes.get(link.id) ?? null },
    ariaLabel: linkLabel(link),
  }));
  return { nodes, edges };
}
