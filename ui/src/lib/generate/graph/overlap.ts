// Cards placed where a person put them can overlap: the editor's nodes have other sizes than
// Easel's cards. This pushes overlapping cards apart, straight down, as little as it can. Pure
// and deterministic: same boxes in, same positions out. Leaves out where the boxes come from
// (layout.ts) and sideways moves.

/** A card's rectangle in flow coordinates: top-left corner and size. */
export type Box = { x: number; y: number; width: number; height: number };

/** Space left above a card that had to be pushed below another. */
export const PUSH_GAP = 16;

/** Whether two boxes share some area; boxes that only touch do not. */
export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Whether the two boxes' spans on the x axis share some length: they are in one column. */
const sameColumn = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width;

/**
 * The top of every box (in input order) once none overlaps another. Only y changes.
 *
 * Boxes are taken in reading order: by top, then left, then input index. Each one keeps its place
 * when it is clear of the boxes already placed; otherwise it goes to the lowest of its own top
 * and the bottoms (+ PUSH_GAP) of the placed boxes in its column where it is clear: the least
 * move down. It also never starts above a placed box of its column, so a box pushed down takes
 * the ones under it along. Why this keeps the picture recognisable: x never changes, so every
 * card stays in its column and left-to-right order is exactly the person's; within a column the
 * top-to-bottom order is kept, and gaps only open where a card was too tall for its slot, the
 * way a column of notes grows when one note gets longer. Cards clear of everything never move
 * unless a column-mate above them grew into them.
 */
export function pushApart(boxes: readonly Box[]): number[] {
  const order = boxes
    .map((_, i) => i)
    .sort((i, j) => boxes[i].y - boxes[j].y || boxes[i].x - boxes[j].x || i - j);
  const tops: number[] = boxes.map((b) => b.y);
  const placed: Box[] = [];
  for (const i of order) {
    const box = boxes[i];
    const column = placed.filter((p) => sameColumn(p, box));
    const start = Math.max(box.y, ...column.map((p) => p.y));
    const candidates = [start, ...column.map((p) => p.y + p.height + PUSH_GAP)]
      .filter((y) => y >= start)
      .sort((a, b) => a - b);
    const y = candidates.find((top) => !column.some((p) => intersects(p, { ...box, y: top })))!;
    tops[i] = y;
    placed.push({ ...box, y });
  }
  return tops;
}
