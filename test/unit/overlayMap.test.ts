import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverlayMap } from '../../src/core/graph/overlayMap';

function base(n: number): Map<string, number> {
  return new Map(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
}

test('an overlay reads as the base with the changed values, in the base order', () => {
  const b = base(100);
  const m = OverlayMap.of(b, new Map([['k5', -5], ['k1', -1]]));
  assert.ok(m instanceof OverlayMap);
  assert.equal(m.size, 100);
  assert.equal(m.get('k5'), -5);
  assert.equal(m.get('k6'), 6);
  assert.equal(m.get('nope'), undefined);
  assert.equal(m.has('k99'), true);
  assert.equal(m.has('nope'), false);
  assert.deepEqual([...m.keys()], [...b.keys()]);
  assert.deepEqual([...m.values()].slice(0, 7), [0, -1, 2, 3, 4, -5, 6]);
  assert.deepEqual([...m].slice(0, 2), [['k0', 0], ['k1', -1]]);
  assert.deepEqual([...m.entries()], [...new Map([...b, ['k5', -5], ['k1', -1]])]);
  const seen: [string, number][] = [];
  m.forEach((v, k, map) => {
    assert.equal(map, m);
    seen.push([k, v]);
  });
  assert.deepEqual(seen, [...m]);
  // The base is not touched.
  assert.equal(b.get('k5'), 5);
});

test('an overlay of an overlay is flattened onto the first base', () => {
  const b = base(100);
  const one = OverlayMap.of(b, new Map([['k1', -1]]));
  const two = OverlayMap.of(one, new Map([['k2', -2], ['k1', 10]]));
  assert.deepEqual([...two.values()].slice(0, 3), [0, 10, -2]);
  assert.deepEqual([...one.values()].slice(0, 3), [0, -1, 2]);
  // Many saves of different files: still correct when the changes outgrow an overlay (a plain copy).
  let m: ReadonlyMap<string, number> = b;
  for (let i = 0; i < 12; i++) m = OverlayMap.of(m, new Map([[`k${i}`, -i]]));
  assert.ok(m instanceof OverlayMap);
  m = OverlayMap.of(m, new Map([['k12', -12]]));
  assert.ok(!(m instanceof OverlayMap));
  for (let i = 13; i < 100; i++) m = OverlayMap.of(m, new Map([[`k${i}`, -i]]));
  assert.deepEqual([...m.values()], [...b.values()].map((v) => -v));
});

test('a key the base lacks gives a plain map with it at the end; no change gives the base', () => {
  const b = base(20);
  const m = OverlayMap.of(b, new Map([['new', 1]]));
  assert.ok(!(m instanceof OverlayMap));
  assert.deepEqual([...m.keys()].slice(-2), ['k19', 'new']);
  assert.equal(OverlayMap.of(b, new Map()), b);
});
