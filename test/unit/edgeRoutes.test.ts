import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvePoints, NodeIndex, roundedPath, routeAround, segmentMeetsRect } from '../../webview/src/layout/edgeRoutes';
import type { NodeBox, Pt } from '../../webview/src/layout/edgeRoutes';
import { layoutLineage } from '../../webview/src/layout/layeredLayout';
import type { LayoutInput } from '../../webview/src/layout/layeredLayout';
import { generateLineageSnapshot } from '../bench/lineageSnapshotGenerator';

const W = 200;
const H = 44;
const box = (id: string, x: number, y: number, h = H): NodeBox => ({ id, x0: x - W / 2, y0: y - h / 2, x1: x + W / 2, y1: y + h / 2 });

/** Independent of the router: points every 2 px along the path, and the first node (not an end) one of them falls in. */
function crossed(points: readonly Pt[], boxes: readonly NodeBox[], ends: readonly string[]): string | undefined {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 2));
    for (let s = 0; s <= steps; s++) {
      const x = a[0] + ((b[0] - a[0]) * s) / steps;
      const y = a[1] + ((b[1] - a[1]) * s) / steps;
      const hit = boxes.find((r) => !ends.includes(r.id) && x > r.x0 && x < r.x1 && y > r.y0 && y < r.y1);
      if (hit) return hit.id;
    }
  }
  return undefined;
}

test('segments meet rectangles they cross or touch, not ones beside them', () => {
  const r = { x0: 0, y0: 0, x1: 10, y1: 10 };
  assert.equal(segmentMeetsRect([-5, 5], [15, 5], r), true);
  assert.equal(segmentMeetsRect([5, -5], [5, 3], r), true);
  assert.equal(segmentMeetsRect([-5, 12], [15, 12], r), false);
  assert.equal(segmentMeetsRect([-5, -5], [-1, 20], r), false);
  assert.equal(segmentMeetsRect([-5, 20], [20, -5], r), true, 'diagonal through the corner region');
});

test('an edge with nothing in its way keeps its curve; one with a node in its way goes around it', () => {
  const boxes = [box('a', 100, 100), box('b', 700, 100), box('mid', 400, 100), box('c', 700, 400)];
  const index = new NodeIndex(boxes);
  assert.equal(routeAround(index, 'a', 'c', [200, 100], [600, 400]), undefined, 'the curve to c passes below mid');
  assert.equal(crossed(curvePoints([200, 100], [600, 400]), boxes, ['a', 'c']), undefined);
  assert.equal(crossed(curvePoints([200, 100], [600, 100]), boxes, ['a', 'b']), 'mid', 'the straight curve would pass behind mid');
  const route = routeAround(index, 'a', 'b', [200, 100], [600, 100]);
  assert.ok(route, 'routed');
  assert.deepEqual(route[0], [200, 100]);
  assert.deepEqual(route.at(-1), [600, 100]);
  assert.equal(crossed(route, boxes, ['a', 'b']), undefined);
  assert.match(roundedPath(route), /^M200,100L.*Q.*L600,100$/);
});

test('a long edge between two groups screens apart goes around the nodes in its way too', () => {
  // A row of nodes across 12,000 px between a source far left and a target far right, a free lane below them.
  const row = Array.from({ length: 30 }, (_, i) => box(`n${i}`, 800 + i * 400, 300));
  const boxes = [box('far/source', 100, 300), ...row, box('far/target', 13_100, 300)];
  const index = new NodeIndex(boxes, [{ x0: 600, y0: 250, x1: 12_700, y1: 350 }]);
  const [start, end]: Pt[] = [[200, 300], [13_000, 300]];
  assert.ok(crossed(curvePoints(start, end), boxes, ['far/source', 'far/target']), 'the plain curve passes behind the row');
  const route = routeAround(index, 'far/source', 'far/target', start, end);
  assert.ok(route, 'routed');
  assert.equal(crossed(route, boxes, ['far/source', 'far/target']), undefined);
});

test('two routed edges along the same stretch take different lanes, so neither reads as the other', () => {
  const boxes = [box('a', 100, 100), box('a2', 100, 160), box('mid', 400, 130, 120), box('b', 700, 100), box('b2', 700, 160)];
  const index = new NodeIndex(boxes);
  const one = routeAround(index, 'a', 'b', [200, 100], [600, 100])!;
  const two = routeAround(index, 'a2', 'b2', [200, 160], [600, 160])!;
  assert.ok(one && two);
  const lane = (r: Pt[]) => r[2]![1];
  assert.notEqual(lane(one), lane(two));
  for (const [r, ends] of [[one, ['a', 'b']], [two, ['a2', 'b2']]] as const) assert.equal(crossed(r, boxes, ends), undefined);
});

/** The example project's graph as the panel lays it out: sources in `default`, raw and analytics groups. */
const example: LayoutInput = {
  nodes: [
    ['csv', 'default'],
    ['parquet', 'default'],
    ['raw/zones', 'raw'],
    ['raw/taxi_trips', 'raw'],
    ['analytics/daily_trips', 'analytics'],
    ['analytics/trips_by_borough', 'analytics'],
  ].map(([id, cluster]) => ({ id: id!, cluster: cluster!, width: W, height: H })),
  edges: [
    ['csv', 'raw/zones'],
    ['parquet', 'raw/taxi_trips'],
    ['raw/zones', 'raw/taxi_trips'],
    ['raw/zones', 'analytics/trips_by_borough'],
    ['raw/taxi_trips', 'analytics/daily_trips'],
    ['raw/taxi_trips', 'analytics/trips_by_borough'],
  ].map(([from, to]) => ({ from: from!, to: to! })),
};

function drawnPaths(input: LayoutInput, heights: ReadonlyMap<string, number> = new Map()) {
  const l = layoutLineage({ ...input, nodes: input.nodes.map((n) => ({ ...n, height: heights.get(n.id) ?? n.height })) });
  const pos = new Map(l.nodes.map((n) => [n.id, n]));
  const boxes = l.nodes.map((n) => box(n.id, n.x, n.y, heights.get(n.id) ?? H));
  const index = new NodeIndex(boxes, l.clusters.map((c) => ({ x0: c.x, y0: c.y, x1: c.x + c.width, y1: c.y + c.height })));
  return {
    boxes,
    paths: input.edges.map((e) => {
      const a = pos.get(e.from)!;
      const b = pos.get(e.to)!;
      const start: Pt = [a.x + W / 2, a.y - (heights.get(e.from) ?? H) / 2 + H / 2];
      const end: Pt = [b.x - W / 2, b.y - (heights.get(e.to) ?? H) / 2 + H / 2];
      const routed = routeAround(index, e.from, e.to, start, end);
      return { edge: e, points: routed ?? curvePoints(start, end), routed: routed !== undefined, over: !routed && index.blocks(e.from, e.to, start, end) };
    }),
  };
}

test('on the example project no edge passes behind a node — read_parquet → taxi_trips goes around zones — also with nodes expanded', () => {
  for (const heights of [new Map<string, number>(), new Map([['raw/taxi_trips', 270], ['parquet', 230], ['analytics/trips_by_borough', 110]])]) {
    const { boxes, paths } = drawnPaths(example, heights);
    for (const p of paths) {
      assert.equal(p.over, false, `${p.edge.from} → ${p.edge.to} could not be routed`);
      assert.equal(crossed(p.points, boxes, [p.edge.from, p.edge.to]), undefined, `${p.edge.from} → ${p.edge.to}`);
    }
  }
});

test('on a generated platform graph every edge is clear, routed clear, or marked to be drawn over the nodes', () => {
  const snap = generateLineageSnapshot(120, 3);
  const input: LayoutInput = {
    nodes: snap.nodes.map((n) => ({ id: n.id, width: W, height: H, cluster: n.group! })),
    edges: snap.edges.map((e) => ({ from: e.from, to: e.to })),
  };
  const { boxes, paths } = drawnPaths(input);
  let routed = 0;
  let over = 0;
  for (const p of paths) {
    const behind = crossed(p.points, boxes, [p.edge.from, p.edge.to]);
    if (p.routed) {
      routed++;
      assert.equal(behind, undefined, `routed ${p.edge.from} → ${p.edge.to} still passes behind ${behind}`);
    } else if (p.over) over++;
    else assert.equal(behind, undefined, `${p.edge.from} → ${p.edge.to} passes behind ${behind} unmarked`);
  }
  assert.ok(routed > 0, 'some edges needed routing');
  assert.ok(over <= routed, `${over} left over the nodes, ${routed} routed`);
});

test('a link to a node below and to the left (a column link top to bottom) does not run back through either end', () => {
  const boxes = [box('up', 300, 100, 200), box('down', 250, 400)];
  const index = new NodeIndex(boxes);
  // From a row on the upper node's right side to the lower node's left side.
  const start: Pt = [400, 150];
  const end: Pt = [150, 400];
  assert.ok(crossed(curvePoints(start, end), boxes, []), 'the plain curve would cut through a node');
  const route = routeAround(index, 'up', 'down', start, end);
  assert.ok(route);
  assert.equal(crossed(route.slice(1, -1), boxes, []), undefined);
});
