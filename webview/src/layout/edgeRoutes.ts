/**
 * Edges that do not pass behind unrelated nodes. The layered layout keeps an
 * edge between neighbouring layers of one cluster clear, but an edge between
 * clusters, or one skipping layers, is a curve from one node straight to the
 * other and can run behind a node in between, looking as if it entered it.
 * Such an edge is routed instead: out of its source, along a free horizontal
 * lane, into its target. Pure; left to right (top to bottom is the same
 * problem with x and y swapped).
 */

export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface NodeBox extends Rect {
  readonly id: string;
}

export type Pt = readonly [number, number];

/** Space kept between a routed edge and the nodes it passes. */
const CLEARANCE = 6;
/** How far the edge runs straight out of its source before turning (and into its target after). */
const STUB = 24;
/** Lanes tried per edge before giving up and drawing the curve. */
const MAX_TRIES = 20;
const CELL = 128;
/** Space between two routed edges sharing a stretch. */
const LANE_GAP = 6;
const cellKey = (cx: number, cy: number): number => cx * 1_048_576 + cy;

/** Node boxes in a grid of cells, so a segment is tested against the few nodes near it. */
export class NodeIndex {
  private readonly cells = new Map<number, NodeBox[]>();
  /** Free horizontal lanes worth trying first: just above and below each cluster box. */
  readonly lanes: readonly number[];

  constructor(readonly boxes: readonly NodeBox[], clusters: readonly Rect[] = []) {
    for (const b of boxes) {
      for (let cx = Math.floor(b.x0 / CELL); cx <= Math.floor(b.x1 / CELL); cx++) {
        for (let cy = Math.floor(b.y0 / CELL); cy <= Math.floor(b.y1 / CELL); cy++) {
          const k = cellKey(cx, cy);
          (this.cells.get(k) ?? this.cells.set(k, []).get(k)!).push(b);
        }
      }
    }
    this.lanes = clusters.flatMap((c) => [c.y0 - CLEARANCE * 2, c.y1 + CLEARANCE * 2]);
  }

  /** Stretches taken by routed edges, by lane band (LANE_GAP high): a lane is checked against its neighbours only. */
  private readonly claimed = new Map<number, { y: number; x0: number; x1: number }[]>();

  /** `lane`, or the nearest below it not already taken by a routed edge over the same stretch: two edges on one lane would read as one. */
  freeLane(lane: number, xa: number, xb: number): number {
    const x0 = Math.min(xa, xb);
    const x1 = Math.max(xa, xb);
    let y = lane;
    for (let moved = true, guard = 0; moved && guard < 50; guard++) {
      moved = false;
      for (let band = Math.floor(y / LANE_GAP) - 1; band <= Math.floor(y / LANE_GAP) + 1; band++) {
        for (const c of this.claimed.get(band) ?? []) {
          if (c.x1 > x0 && c.x0 < x1 && Math.abs(c.y - y) < LANE_GAP) {
            y = c.y + LANE_GAP;
            moved = true;
          }
        }
      }
    }
    return y;
  }

  claim(lane: number, xa: number, xb: number): void {
    const band = Math.floor(lane / LANE_GAP);
    (this.claimed.get(band) ?? this.claimed.set(band, []).get(band)!).push({ y: lane, x0: Math.min(xa, xb), x1: Math.max(xa, xb) });
  }

  /** Whether the usual curve from `start` to `end` passes behind a node other than its two ends. */
  blocks(from: string, to: string, start: Pt, end: Pt): boolean {
    return pathBlocker(this, curvePoints(start, end), new Set([from, to]), 0) !== undefined;
  }

  /** The first node (other than `skip`) the segment a→b passes through, boxes grown by `pad`. */
  blocker(a: Pt, b: Pt, skip: ReadonlySet<string>, pad = 0): NodeBox | undefined {
    const x0 = Math.min(a[0], b[0]) - pad;
    const x1 = Math.max(a[0], b[0]) + pad;
    const y0 = Math.min(a[1], b[1]) - pad;
    const y1 = Math.max(a[1], b[1]) + pad;
    for (let cx = Math.floor(x0 / CELL); cx <= Math.floor(x1 / CELL); cx++) {
      for (let cy = Math.floor(y0 / CELL); cy <= Math.floor(y1 / CELL); cy++) {
        const cell = this.cells.get(cellKey(cx, cy));
        if (!cell) continue;
        for (const box of cell) {
          if (skip.has(box.id)) continue;
          if (segmentMeetsRect(a, b, { x0: box.x0 - pad, y0: box.y0 - pad, x1: box.x1 + pad, y1: box.y1 + pad })) return box;
        }
      }
    }
    return undefined;
  }
}

/** Whether segment a→b meets the rectangle (Liang–Barsky clipping). */
export function segmentMeetsRect(a: Pt, b: Pt, r: Rect): boolean {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, a[0] - r.x0) && clip(dx, r.x1 - a[0]) && clip(-dy, a[1] - r.y0) && clip(dy, r.y1 - a[1]);
}

/** The curve the panel draws between two anchors (d3's linkHorizontal), as points along it. */
export function curvePoints(start: Pt, end: Pt, steps = 12): Pt[] {
  const mx = (start[0] + end[0]) / 2;
  const out: Pt[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    const x = u * u * u * start[0] + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * end[0];
    const y = u * u * u * start[1] + 3 * u * u * t * start[1] + 3 * u * t * t * end[1] + t * t * t * end[1];
    out.push([x, y]);
  }
  return out;
}

const none: ReadonlySet<string> = new Set();

/** The first node a path passes through; its two end nodes count only past its first and last pieces (a path must not run back through them). */
function pathBlocker(index: NodeIndex, points: readonly Pt[], ends: ReadonlySet<string>, pad: number): NodeBox | undefined {
  for (let i = 1; i < points.length; i++) {
    const piece = i === 1 || i === points.length - 1 ? ends : none;
    const hit = index.blocker(points[i - 1]!, points[i]!, piece, pad);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * How to draw the edge from `start` (its source's right side) to `end` (its
 * target's left side): undefined when the usual curve passes no other node;
 * else a path of straight pieces around them; undefined too when no lane was
 * found (the curve is drawn). Long edges between groups are routed too: most
 * of the edges that would otherwise be drawn over nodes on a big graph.
 */
export function routeAround(index: NodeIndex, from: string, to: string, start: Pt, end: Pt): Pt[] | undefined {
  const skip = new Set([from, to]);
  if (!pathBlocker(index, curvePoints(start, end), skip, 0)) return undefined;
  // Lanes by how far they take the edge from the straight way; each node in the way offers the lanes just above and below it.
  const cost = (lane: number) => Math.abs(lane - start[1]) + Math.abs(lane - end[1]);
  for (const stubLength of [STUB, STUB / 2]) {
    const stub = Math.min(stubLength, Math.abs(end[0] - start[0]) / 2 || stubLength);
    const outX = start[0] + stub;
    const inX = end[0] - stub;
    const route = (lane: number): Pt[] => [start, [outX, start[1]], [outX, lane], [inX, lane], [inX, end[1]], end];
    const tried = new Set<number>();
    const queue: number[] = [start[1], end[1], ...index.lanes];
    for (let tries = 0; queue.length > 0 && tries < MAX_TRIES; tries++) {
      // The cheapest lane left (a scan: the queue holds every cluster's lanes, and only one is taken per try).
      let best = 0;
      for (let i = 1; i < queue.length; i++) if (cost(queue[i]!) < cost(queue[best]!)) best = i;
      const cheapest = queue.splice(best, 1)[0]!;
      const lane = index.freeLane(cheapest, outX, inX);
      const rounded = Math.round(lane);
      if (tried.has(rounded)) continue;
      tried.add(rounded);
      const points = route(lane);
      const hit = pathBlocker(index, points, skip, CLEARANCE - 1);
      if (!hit) {
        index.claim(lane, outX, inX);
        return points;
      }
      queue.push(hit.y0 - CLEARANCE * 2, hit.y1 + CLEARANCE * 2);
    }
  }
  return undefined;
}

/** SVG path of straight pieces with rounded corners. */
export function roundedPath(points: readonly Pt[], radius = 8): string {
  const p = points.filter((q, i) => i === 0 || q[0] !== points[i - 1]![0] || q[1] !== points[i - 1]![1]);
  if (p.length === 0) return '';
  const f = (n: number) => Number(n.toFixed(1));
  let d = `M${f(p[0]![0])},${f(p[0]![1])}`;
  for (let i = 1; i < p.length - 1; i++) {
    const [a, b, c] = [p[i - 1]!, p[i]!, p[i + 1]!];
    const inLen = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const outLen = Math.hypot(c[0] - b[0], c[1] - b[1]);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    const p1: Pt = [b[0] - ((b[0] - a[0]) / inLen) * r, b[1] - ((b[1] - a[1]) / inLen) * r];
    const p2: Pt = [b[0] + ((c[0] - b[0]) / outLen) * r, b[1] + ((c[1] - b[1]) / outLen) * r];
    d += `L${f(p1[0])},${f(p1[1])}Q${f(b[0])},${f(b[1])} ${f(p2[0])},${f(p2[1])}`;
  }
  const last = p[p.length - 1]!;
  return `${d}L${f(last[0])},${f(last[1])}`;
}

/** Top to bottom is left to right with x and y swapped. */
export function swapXY(p: Pt): Pt {
  return [p[1], p[0]];
}
export function swapRect<R extends NodeBox>(r: R): NodeBox {
  return { id: r.id, x0: r.y0, y0: r.x0, x1: r.y1, y1: r.x1 };
}
