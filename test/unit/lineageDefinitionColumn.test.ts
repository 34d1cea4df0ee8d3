import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionColumn } from '../../src/extension/lineage/definitionColumn';

const a = 'file:///w/assets/raw/zones.sql';
const b = 'file:///w/assets/analytics/daily_trips.sql';

test('a definition never opens in the panel’s own group', () => {
  // editor in 1, panel in 2
  assert.equal(definitionColumn([{ column: 1, files: [b] }, { column: 2, files: [] }], 2, a), 1);
  // panel in 1, editor in 2
  assert.equal(definitionColumn([{ column: 1, files: [] }, { column: 2, files: [b] }], 1, a), 2);
});

test('with the panel alone a new group opens beside it', () => {
  assert.equal(definitionColumn([{ column: 1, files: [] }], 1, a), 'beside');
  assert.equal(definitionColumn([], 1, a), 'beside');
});

test('a group that already has the file is reused, so the file never gets a second tab', () => {
  const groups = [
    { column: 1, files: [b] },
    { column: 2, files: [] },
    { column: 3, files: [a, b] },
  ];
  assert.equal(definitionColumn(groups, 2, a), 3);
  // the file open in the panel's group does not count: it would cover the graph
  assert.equal(definitionColumn([{ column: 1, files: [] }, { column: 2, files: [a] }], 2, a), 1);
  // a group showing it as the active tab wins over one that only holds it
  assert.equal(definitionColumn([{ column: 1, files: [a] }, { column: 2, files: [] }, { column: 3, files: [a], activeFile: a }], 2, a), 3);
});

test('otherwise the nearest group left of the panel, else the nearest to its right', () => {
  const groups = [
    { column: 1, files: [] },
    { column: 2, files: [] },
    { column: 3, files: [] },
    { column: 4, files: [] },
  ];
  assert.equal(definitionColumn(groups, 3, a), 2);
  assert.equal(definitionColumn(groups, 1, a), 2);
});
