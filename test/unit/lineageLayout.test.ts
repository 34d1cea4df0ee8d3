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
