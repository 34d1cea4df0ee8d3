import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSelection, selectionForKey } from '../../src/core/engine/selection';
import { planMaterialization, SelectionError } from '../../src/core/engine/materializationPlan';
import { buildAssetGraph } from '../../src/core/graph/buildAssetGraph';
import type { AssetDefinition } from '../../src/core/asset';
import { sqlAsset, testGraph } from './engineFixtures';

test('parseSelection reads keys, relations, +KEY, KEY+, +KEY+, group:NAME and *, several at once', () => {
  assert.deepEqual(parseSelection('raw/taxi_trips +analytics.daily KEY+ +mid+ group:raw *'), [
    { kind: 'asset', text: 'raw/taxi_trips', upstream: false, downstream: false },
    { kind: 'asset', text: 'analytics.daily', upstream: true, downstream: false },
    { kind: 'asset', text: 'KEY', upstream: false, downstream: true },
    { kind: 'asset', text: 'mid', upstream: true, downstream: true },
    { kind: 'group', group: 'raw' },
    { kind: 'all' },
  ]);
  assert.deepEqual(parseSelection('  a,b  '), [
    { kind: 'asset', text: 'a', upstream: false, downstream: false },
    { kind: 'asset', text: 'b', upstream: false, downstream: false },
  ]);
});

// a -> b -> d, a -> c -> d, e alone; x is an external source read by a.
function graph() {
  const external: AssetDefinition = {
    key: ['x'],
    source: 'external',
    location: { file: '/w/a.sql', line: 1, column: 1 },
    deps: [],
    checks: [],
    definitionHash: '',
  };
  const defs = [
    external,
    sqlAsset({ name: 'raw.a', sql: 'select 1', deps: ['x'], group: 'raw' }, '/w/a.sql'),
    sqlAsset({ name: 'mid.b', sql: 'select 1', deps: ['raw.a'], group: 'mid' }, '/w/b.sql'),
    sqlAsset({ name: 'mid.c', sql: 'select 1', deps: ['raw.a'], group: 'mid' }, '/w/c.sql'),
    sqlAsset({ name: 'top.d', sql: 'select 1', deps: ['mid.b', 'mid.c'], group: 'top' }, '/w/d.sql'),
    sqlAsset({ name: 'other.e', sql: 'select 1', group: 'other' }, '/w/e.sql'),
  ];
  return buildAssetGraph('/w', [{ file: '/w/all', assets: defs, problems: [] }]);
}

test('plans are in dependency order with levels that may run side by side; externals are never planned', () => {
  const g = graph();
  const all = planMaterialization(g, parseSelection('*'));
  assert.deepEqual(all.levels, [['other/e', 'raw/a'], ['mid/b', 'mid/c'], ['top/d']]);
  assert.deepEqual(all.assets.find((a) => a.id === 'top/d')!.waitsFor.slice().sort(), ['mid/b', 'mid/c']);

  assert.deepEqual(planMaterialization(g, parseSelection('+top.d')).levels, [['raw/a'], ['mid/b', 'mid/c'], ['top/d']]);
  assert.deepEqual(planMaterialization(g, parseSelection('mid/b+')).levels, [['mid/b'], ['top/d']]);
  assert.deepEqual(planMaterialization(g, parseSelection('group:mid')).levels, [['mid/b', 'mid/c']]);
  // Alone in a plan, an asset waits for nothing.
  assert.deepEqual(planMaterialization(g, parseSelection('top.d')).assets.map((a) => a.waitsFor), [[]]);
  // Several selections merge.
  assert.deepEqual(planMaterialization(g, parseSelection('other.e mid.c')).assets.map((a) => a.id), ['mid/c', 'other/e']);
});

test('an asset runs after the assets its relationships checks read, without being skipped when they fail', () => {
  // a.orders checks its customer ids against c.customers, which sits two levels deeper (b.raw -> c.customers).
  const defs = [
    sqlAsset({ name: 'a.orders', sql: 'select 1', checks: [{ type: 'relationships', config: { column: 'id', to: 'c.customers', field: 'id' } }] }, '/w/a.sql'),
    sqlAsset({ name: 'b.raw', sql: 'select 1' }, '/w/b.sql'),
    sqlAsset({ name: 'c.customers', sql: 'select 1', deps: ['b.raw'] }, '/w/c.sql'),
    // d reads a; its check reads d's own descendant e, which cannot run first.
    sqlAsset({ name: 'd.totals', sql: 'select 1', deps: ['a.orders'], checks: [{ type: 'relationships', config: { column: 'id', to: 'e.top', field: 'id' } }] }, '/w/d.sql'),
    sqlAsset({ name: 'e.top', sql: 'select 1', deps: ['d.totals'] }, '/w/e.sql'),
  ];
  const g = buildAssetGraph('/w', [{ file: '/w/all', assets: defs, problems: [] }]);
  const plan = planMaterialization(g, parseSelection('*'));
  assert.deepEqual(plan.levels, [['b/raw'], ['c/customers'], ['a/orders'], ['d/totals'], ['e/top']]);
  const orders = plan.assets.find((a) => a.id === 'a/orders')!;
  assert.deepEqual(orders.waitsFor, []);
  assert.deepEqual(orders.checksRead, ['c/customers']);
  assert.deepEqual(plan.assets.find((a) => a.id === 'd/totals')!.checksRead, []);
  // Outside the plan, a checked parent is not pulled in.
  assert.deepEqual(planMaterialization(g, parseSelection('a.orders')).levels, [['a/orders']]);
});

test('an unknown selection is an error listing close matches; an external one says there is nothing to build', () => {
  const g = graph();
  assert.throws(() => planMaterialization(g, parseSelection('mid.bb')), (e: unknown) => {
    assert.ok(e instanceof SelectionError);
    assert.match(e.message, /No asset 'mid.bb' in the workspace\. Did you mean: .*mid\/b/);
    return true;
  });
  assert.throws(() => planMaterialization(g, parseSelection('group:rw')), /No asset in group 'rw'\. Did you mean: raw/);
  assert.throws(() => planMaterialization(g, parseSelection('x')), /'x' is an external source/);
});

test('quoted selections reach every key: spaces, commas and dots inside quotes are part of the name', () => {
  assert.deepEqual(parseSelection('"taxi trips", raw/"a, b"+ +"raw.trips" group:"my group" plain'), [
    { kind: 'asset', text: 'taxi trips', upstream: false, downstream: false, parts: ['taxi trips'] },
    { kind: 'asset', text: 'raw/a, b', upstream: false, downstream: true, parts: ['raw', 'a, b'] },
    { kind: 'asset', text: 'raw.trips', upstream: true, downstream: false, parts: ['raw.trips'] },
    { kind: 'group', group: 'my group' },
    { kind: 'asset', text: 'plain', upstream: false, downstream: false },
  ]);
  assert.deepEqual(parseSelection('"say ""hi"""')[0], { kind: 'asset', text: 'say "hi"', upstream: false, downstream: false, parts: ['say "hi"'] });
  for (const key of [['taxi trips'], ['raw', 'a, b'], ['raw.trips'], ['x'], ['say "hi"']]) {
    const [s] = parseSelection(selectionForKey(key));
    assert.deepEqual(s && s.kind === 'asset' ? (s.parts ?? s.text.split('/')) : undefined, key, selectionForKey(key));
  }
});

test('a key with a space, a comma or a dot in a part is selected exactly, not split or read as schema.table', () => {
  const def = (key: string[]): AssetDefinition => ({
    key,
    source: 'dagster',
    location: { file: '/w/defs.py', line: 1, column: 1 },
    deps: [],
    checks: [],
    definitionHash: key.join('/'),
  });
  const graph = buildAssetGraph('/w', [{ file: '/w/defs.py', assets: [def(['taxi trips']), def(['raw', 'a, b']), def(['raw.trips']), def(['raw', 'trips'])], problems: [] }]);
  const ids = (text: string) => planMaterialization(graph, parseSelection(text)).assets.map((a) => a.id);
  assert.deepEqual(ids('"taxi trips"'), ['taxi trips']);
  assert.deepEqual(ids('raw/"a, b"'), ['raw/a, b']);
  assert.deepEqual(ids('"raw.trips"'), ['raw.trips']);
  assert.deepEqual(ids('raw/trips'), ['raw/trips']);
  assert.deepEqual(ids('"raw"/"trips"'), ['raw/trips'], 'a / outside quotes separates parts');
});

test('a dbt source with no tests is read, never built: not in a run, and naming it says there is nothing to run; one with tests stays', () => {
  const source = (name: string, tests: boolean): AssetDefinition => ({
    key: ['raw', name],
    source: 'dbt',
    location: { file: '/p/models/sources.yml', line: 3, column: 1 },
    deps: [],
    checks: tests ? [{ name: `not_null_${name}_id`, type: 'dbt', severity: 'error', blocking: true, location: { file: '/p/models/sources.yml', line: 5, column: 9 } }] : [],
    definitionHash: name,
    dbt: { projectDir: '/p', projectName: 'p', resourceType: 'source', selector: `source:raw.${name}` },
  });
  const graph = testGraph('/p', [source('zones', false), source('trips', true), sqlAsset({ name: 'stg', sql: 'select 1', deps: ['raw/zones', 'raw/trips'] })]);
  assert.deepEqual(planMaterialization(graph, parseSelection('+stg')).assets.map((a) => a.id).sort(), ['raw/trips', 'stg']);
  assert.throws(() => planMaterialization(graph, parseSelection('raw/zones')), /'raw\/zones' is a dbt source with no tests: it is read, never built, so there is nothing to run/);
});
