import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutLineage } from '../../webview/src/layout/layeredLayout';
import type { LayoutInput } from '../../webview/src/layout/layeredLayout';
import { layoutFromRemembered, layoutKey, layoutSignature } from '../../webview/src/layout/layoutKey';
import { parseWebviewMessage } from '../../src/protocol/parseWebviewMessage';
import type { RememberedLayout } from '../../src/protocol/lineageMessages';

/** Two groups of a small pipeline, as the panel would lay them out. */
function pipeline(direction: 'lr' | 'tb' = 'lr', height = 44): LayoutInput {
  const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => ({ id, width: 200, height: id === 'c' ? height : 44, cluster: i < 3 ? 'g1' : 'g2' }));
  const edges = [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'd' },
    { from: 'd', to: 'e' },
    { from: 'a', to: 'f' },
  ];
  return { nodes, edges, direction };
}

function remembered(input: LayoutInput): RememberedLayout {
  return { key: layoutKey(layoutSignature(input), input.nodes.length), ...layoutLineage(input) };
}

test('the layout key changes with whatever the layout depends on, and only with that', () => {
  const key = (input: LayoutInput): string => layoutKey(layoutSignature(input), input.nodes.length);
  const base = key(pipeline());
  assert.equal(key(pipeline()), base);
  assert.notEqual(key(pipeline('tb')), base, 'direction');
  assert.notEqual(key(pipeline('lr', 120)), base, 'a node expanded to its columns');
  const moved = pipeline();
  assert.notEqual(key({ ...moved, nodes: moved.nodes.map((n) => (n.id === 'f' ? { ...n, cluster: 'g1' } : n)) }), base, 'a node in another group');
  assert.notEqual(key({ ...moved, edges: moved.edges.slice(1) }), base, 'an edge gone');
  assert.notEqual(key({ ...moved, fast: true }), base, 'the fast layout');
});

test('a remembered layout is taken when it was laid out for the same graph seen the same way, and only then', () => {
  const input = pipeline();
  const memo = remembered(input);
  const key = layoutKey(layoutSignature(input), input.nodes.length);
  assert.deepEqual(layoutFromRemembered(memo, key, input), layoutLineage(input));
  assert.equal(layoutFromRemembered(undefined, key, input), undefined);
  const tb = pipeline('tb');
  assert.equal(layoutFromRemembered(memo, layoutKey(layoutSignature(tb), tb.nodes.length), tb), undefined, 'another direction');
  // The same key but not the same nodes (a forged or corrupt entry) is refused too.
  assert.equal(layoutFromRemembered({ ...memo, nodes: memo.nodes.map((n, i) => (i === 0 ? { ...n, id: 'zzz' } : n)) }, key, input), undefined);
  assert.equal(layoutFromRemembered({ ...memo, nodes: memo.nodes.slice(1) }, key, input), undefined);
});

test('a layout reported by the page is taken field by field; anything malformed is refused', () => {
  const memo = remembered(pipeline());
  assert.deepEqual(parseWebviewMessage({ type: 'layout', layout: memo }), { type: 'layout', layout: memo });
  const extra = { ...memo, nodes: memo.nodes.map((n) => ({ ...n, html: '<b>' })) };
  assert.deepEqual(parseWebviewMessage({ type: 'layout', layout: extra }), { type: 'layout', layout: memo }, 'unknown fields dropped');
  const bad: unknown[] = [
    { type: 'layout' },
    { type: 'layout', layout: { ...memo, key: '' } },
    { type: 'layout', layout: { ...memo, width: -1 } },
    { type: 'layout', layout: { ...memo, nodes: 'a' } },
    { type: 'layout', layout: { ...memo, nodes: [{ id: 'a', x: Number.NaN, y: 0 }] } },
    { type: 'layout', layout: { ...memo, nodes: [{ id: 7, x: 0, y: 0 }] } },
    { type: 'layout', layout: { ...memo, clusters: [{ id: 'g', x: 0, y: 0, width: 1 }] } },
    { type: 'layout', layout: { ...memo, nodes: Array.from({ length: 10_001 }, (_, i) => ({ id: `n${i}`, x: 0, y: 0 })) } },
  ];
  for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message).slice(0, 100));
});
