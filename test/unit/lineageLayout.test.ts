import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutLineage } from '../../webview/src/layout/layeredLayout';
import type { LayoutInput, LayoutResult } from '../../webview/src/layout/layeredLayout';

const W = 200;
const H = 44;

function overlaps(r: LayoutResult): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.nodes.length; i++) {
    for (let j = i + 1; j < r.nodes.length; j++) {
      const a = r.nodes[i]!;
      const b = r.nodes[j]!;
      if (Math.abs(a.x - b.x) < W && Math.abs(a.y - b.y) < H) out.push(`${a.id}~${b.id}`);
    }
  }
  return out;
}

const chain: LayoutInput = {
  nodes: ['a', 'b', 'c', 'd', 'lonely'].map((id) => ({ id, width: W, height: H })),
  edges: [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'a', to: 'c' },
    { from: 'c', to: 'd' },
  ],
};

test('flat layout: upstream left of downstream, nothing overlaps, all nodes placed within the bounds', () => {
  const r = layoutLineage(chain);
  const at = new Map(r.nodes.map((n) => [n.id, n]));
  assert.equal(r.nodes.length, 5);
  for (const e of chain.edges) assert.ok(at.get(e.from)!.x < at.get(e.to)!.x, `${e.from} left of ${e.to}`);
  assert.deepEqual(overlaps(r), []);
  for (const n of r.nodes) {
    assert.ok(n.x - W / 2 >= -0.5 && n.x + W / 2 <= r.width + 0.5, `${n.id} within width`);
    assert.ok(n.y - H / 2 >= -0.5 && n.y + H / 2 <= r.height + 0.5, `${n.id} within height`);
  }
  assert.equal(r.clusters.length, 0);
});

test('clustered layout: each node inside its cluster box, boxes disjoint, upstream cluster left', () => {
  const input: LayoutInput = {
    nodes: [
      { id: 'r1', width: W, height: H, cluster: 'raw' },
      { id: 'r2', width: W, height: H, cluster: 'raw' },
      { id: 'm1', width: W, height: H, cluster: 'mart' },
      { id: 'm2', width: W, height: H, cluster: 'mart' },
    ],
    edges: [
      { from: 'r1', to: 'r2' },
      { from: 'r2', to: 'm1' },
      { from: 'm1', to: 'm2' },
    ],
  };
  const r = layoutLineage(input);
  const box = new Map(r.clusters.map((c) => [c.id, c]));
  assert.deepEqual([...box.keys()].sort(), ['mart', 'raw']);
  for (const n of r.nodes) {
    const c = box.get(input.nodes.find((m) => m.id === n.id)!.cluster!)!;
    assert.ok(n.x - W / 2 >= c.x && n.x + W / 2 <= c.x + c.width, `${n.id} inside ${c.id} horizontally`);
    assert.ok(n.y - H / 2 >= c.y && n.y + H / 2 <= c.y + c.height, `${n.id} inside ${c.id} vertically`);
  }
  const raw = box.get('raw')!;
  const mart = box.get('mart')!;
  assert.ok(raw.x + raw.width <= mart.x, 'raw cluster left of mart cluster');
  assert.deepEqual(overlaps(r), []);
});

test('edges to nodes not in the input are ignored rather than throwing', () => {
  const r = layoutLineage({ nodes: [{ id: 'a', width: W, height: H }], edges: [{ from: 'a', to: 'ghost' }] });
  assert.equal(r.nodes.length, 1);
});

test('many clusters (placed in rows): nodes inside their boxes, boxes disjoint, an upstream cluster comes first in reading order', () => {
  // 50 clusters of 3 nodes, cluster k reads from cluster k-1, listed in reverse so the input order does not give the answer.
  const nodes = [];
  const edges = [];
  for (let k = 49; k >= 0; k--) {
    for (let i = 0; i < 3; i++) nodes.push({ id: `c${k}n${i}`, width: W, height: H, cluster: `c${k}` });
    edges.push({ from: `c${k}n0`, to: `c${k}n1` }, { from: `c${k}n1`, to: `c${k}n2` });
    if (k > 0) edges.push({ from: `c${k - 1}n2`, to: `c${k}n0` });
  }
  const input: LayoutInput = { nodes, edges, fast: true };
  const r = layoutLineage(input);
  assert.equal(r.clusters.length, 50);
  assert.equal(r.nodes.length, 150);
  const box = new Map(r.clusters.map((c) => [c.id, c]));
  for (const n of r.nodes) {
    const c = box.get(n.id.slice(0, n.id.indexOf('n')))!;
    assert.ok(n.x - W / 2 >= c.x && n.x + W / 2 <= c.x + c.width, `${n.id} inside ${c.id} horizontally`);
    assert.ok(n.y - H / 2 >= c.y && n.y + H / 2 <= c.y + c.height, `${n.id} inside ${c.id} vertically`);
  }
  for (let i = 0; i < r.clusters.length; i++) {
    for (let j = i + 1; j < r.clusters.length; j++) {
      const a = r.clusters[i]!;
      const b = r.clusters[j]!;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${a.id} and ${b.id} do not overlap`);
    }
  }
  const first = box.get('c0')!;
  const last = box.get('c49')!;
  assert.ok(first.y < last.y || (first.y === last.y && first.x < last.x), 'c0 before c49 in reading order');
  assert.deepEqual(overlaps(r), []);
});
