// How a link from one row of a folded layout (fold.ts) to a later row runs: out of its card to
// the right, down the gap beside its column to the lane above the target's row, along the lane,
// down the gap before the target's column and into the card from the left. Every segment runs in
// space no card takes, so such links never cut across cards the way a curve spanning the whole
// width would; each gets its own track so that no two run on top of each other. Pure geometry:
// the turns and the SVG path through them. Leaves out links within a row (the library's curve)
// and the link's look (LinkEdge.svelte).

import { inputHandle, outputHandle, type CardShape } from "./card";
import type { Band } from "./fold";

/** Where a link between rows turns, in flow coordinates. */
export type LaneRoute = {
  /** x of the way down beside the source's column. */
  exitX: number;
  /** y of the way along the lane. */
  laneY: number;
  /** x of the way down before the target's column. */
  entryX: number;
};

type Card = { id: string; x: number; y: number; shape: CardShape; row: number };
type Joined = { id: string; source: string; output: number; target: string; input: string };

/** Nearest and farthest a way down keeps from its card, and the most space between two ways. */
const NEAR = 12;
const FAR = 40;
const TRACK = 8;
/** Space kept free at the top and bottom of a lane, and the most between two tracks in it. */
const LANE_EDGE = 16;
const LANE_TRACK = 12;

/** The centre y of a card's handle `id`, in flow coordinates. */
function handleY(card: Card, id: string): number {
  const h = card.shape.handles.find((handle) => handle.id === id);
  return card.y + (h ? h.y + h.size / 2 : card.shape.height / 2);
}

/** Evenly spaced offsets for `count` tracks, at most `most` apart, within `room`. */
function tracks(count: number, room: number, most: number): number[] {
  const step = count > 1 ? Math.min(most, room / (count - 1)) : 0;
  return Array.from({ length: count }, (_, k) => k * step);
}

type Crossing = { link: Joined; from: Card; to: Card; fromY: number; toY: number };

/** The slot 0..n-1 of each link of `group` by link id, in `order`, ties broken by link id. */
function slots(
  group: readonly Crossing[],
  order: (a: Crossing, b: Crossing) => number,
): Map<string, number> {
  const byId = (a: Crossing, b: Crossing) =>
    a.link.id < b.link.id ? -1 : a.link.id > b.link.id ? 1 : 0;
  const sorted = [...group].sort((a, b) => order(a, b) || byId(a, b));
  return new Map(sorted.map((c, slot) => [c.link.id, slot]));
}

/** `items` grouped by `key`, in order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

/**
 * The lane route of every link whose target is on a later row than its source, by link id.
 * Beside a column, the way down nearest the cards belongs to the link from the lowest source (it
 * has least far to go), so ways from higher up pass outside it instead of crossing its start;
 * before a column, the way down nearest belongs to the highest target, for the same reason.
 */
export function laneRoutes(
  cards: readonly Card[],
  links: readonly Joined[],
  bands: readonly Band[],
): Map<string, LaneRoute> {
  const byId = new Map(cards.map((c) => [c.id, c]));
  const crossing: Crossing[] = links.flatMap((link) => {
    const from = byId.get(link.source);
    const to = byId.get(link.target);
    if (!from || !to || to.row <= from.row) return [];
    const fromY = handleY(from, outputHandle(link.output));
    const toY = handleY(to, inputHandle(link.input));
    return [{ link, from, to, fromY, toY }];
  });

  const exits = new Map<string, number>();
  for (const group of groupBy(crossing, (c) => `${c.from.row} ${c.from.x}`)) {
    const slot = slots(group, (a, b) => b.fromY - a.fromY);
    const offsets = tracks(group.length, FAR - NEAR, TRACK);
    for (const c of group) {
      const right = c.from.x + c.from.shape.width;
      exits.set(c.link.id, right + NEAR + offsets[slot.get(c.link.id)!]);
    }
  }
  const entries = new Map<string, number>();
  for (const group of groupBy(crossing, (c) => `${c.to.row} ${c.to.x}`)) {
    const slot = slots(group, (a, b) => a.toY - b.toY);
    const offsets = tracks(group.length, FAR - NEAR, TRACK);
    for (const c of group) entries.set(c.link.id, c.to.x - NEAR - offsets[slot.get(c.link.id)!]);
  }

  const routes = new Map<string, LaneRoute>();
  for (const group of groupBy(crossing, (c) => String(c.to.row))) {
    const row = group[0].to.row;
    const lane = { top: bands[row - 1].bottom, bottom: bands[row].top };
    const exit = (c: Crossing) => exits.get(c.link.id)!;
    const entry = (c: Crossing) => entries.get(c.link.id)!;
    const slot = slots(group, (a, b) => exit(a) - exit(b) || entry(a) - entry(b));
    const offsets = tracks(group.length, lane.bottom - lane.top - 2 * LANE_EDGE, LANE_TRACK);
    const first = (lane.top + lane.bottom) / 2 - offsets.at(-1)! / 2;
    for (const c of group) {
      routes.set(c.link.id, {
        exitX: exit(c),
        laneY: first + offsets[slot.get(c.link.id)!],
        entryX: entry(c),
      });
    }
  }
  return routes;
}

const at = (x: number, y: number) => `${Math.round(x * 100) / 100} ${Math.round(y * 100) / 100}`;

/**
 * The SVG path of a link from `from` (its output) to `to` (its input) along `route`: straight
 * segments with corners rounded by up to `radius`, less where a segment is short.
 */
export function lanePath(
  from: readonly [number, number],
  to: readonly [number, number],
  route: LaneRoute,
  radius = 10,
): string {
  const points: (readonly [number, number])[] = [
    from,
    [route.exitX, from[1]],
    [route.exitX, route.laneY],
    [route.entryX, route.laneY],
    [route.entryX, to[1]],
    to,
  ];
  let d = `M ${at(...from)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i - 1];
    const [x, y] = points[i];
    const [nx, ny] = points[i + 1];
    const before = Math.hypot(x - px, y - py);
    const after = Math.hypot(nx - x, ny - y);
    const r = Math.min(radius, before / 2, after / 2);
    if (r <= 0) {
      d += ` L ${at(x, y)}`;
      continue;
    }
    const enter = at(x - ((x - px) / before) * r, y - ((y - py) / before) * r);
    const leave = at(x + ((nx - x) / after) * r, y + ((ny - y) / after) * r);
    d += ` L ${enter} Q ${at(x, y)} ${leave}`;
  }
  return `${d} L ${at(...to)}`;
}
