import { test } from 'node:test';
import assert from 'node:assert/strict';
import { likelyMisspellings } from '../../src/core/graph/relationTypos';

const at = { file: '/w/a.sql', line: 1, column: 1 };
const known = [
  { id: 'raw/orders', relation: 'raw.orders' },
  { id: 'raw/zones', relation: 'raw.zones' },
  { id: 'raw/zoned', relation: 'raw.zoned' },
  { id: 'abc', relation: 'abc' },
];

function meant(ids: string[]): Record<string, string> {
  return Object.fromEntries([...likelyMisspellings(ids.map((id) => ({ id, location: at })), known)].map(([id, k]) => [id, k.relation]));
}

test('one edit or one swap away from an asset is a likely misspelling; case does not count', () => {
  assert.deepEqual(meant(['raw/orderz', 'raw/ordres', 'raw/order', 'raw/orderss', 'RAW/ORDERZ']), {
    'raw/orderz': 'raw.orders',
    'raw/ordres': 'raw.orders',
    'raw/order': 'raw.orders',
    'raw/orderss': 'raw.orders',
    'RAW/ORDERZ': 'raw.orders',
  });
});

test('no guess: two edits away, two equally close assets, very short names, the same name in another case', () => {
  assert.deepEqual(meant(['raw/ordexz', 'raw/zonez', 'abd', 'RAW/ORDERS', 'raw/customers']), {});
});
