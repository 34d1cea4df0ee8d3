import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AssetDefinition, CheckDefinition, DependencyRef, FileDiscovery } from '../../src/core/asset';
import { parseKey } from '../../src/core/assetKey';
import { buildAssetGraph } from '../../src/core/graph/buildAssetGraph';
import { readSqlFiles } from '../../src/core/discovery/sql/sqlAssetReader';

function asset(key: string, deps: [string, DependencyRef['origin']][] = [], extra: Partial<AssetDefinition> = {}, line = 1): AssetDefinition {
  const file = `/w/${key.replace(/\//g, '_')}.txt`;
  return {
    key: parseKey(key),
    source: 'sql',
    location: { file, line, column: 1 },
    deps: deps.map(([k, origin], i) => ({ key: parseKey(k), origin, location: { file, line: line + 1 + i, column: 3 } })),
    checks: [],
    definitionHash: key,
    ...extra,
  };
}

function file(...assets: AssetDefinition[]): FileDiscovery {
  return { file: assets[0]!.location.file, assets, problems: [] };
}

test('exact keys, dotted SQL tables and inferred last-part edges', () => {
  const g = buildAssetGraph('/w', [
    file(asset('raw/taxi_trips')),
    file(asset('raw/zones')),
    file(asset('analytics/daily', [['raw.taxi_trips', 'sql-table'], ['zones', 'sql-table']])),
  ]);
  assert.deepEqual([...g.nodes.keys()], ['analytics/daily', 'raw/taxi_trips', 'raw/zones']);
  assert.deepEqual(
    g.edges.map((e) => [e.from, e.to, e.inferred]),
    [
      ['raw/taxi_trips', 'analytics/daily', false],
      ['raw/zones', 'analytics/daily', true],
    ],
  );
  assert.deepEqual(g.problems, []);
  assert.deepEqual(g.upstreamOf('analytics/daily'), ['raw/taxi_trips', 'raw/zones']);
  assert.deepEqual(g.downstreamOf('raw/zones'), ['analytics/daily']);
});

test('unknown SQL tables and table functions become external nodes; other unknown deps are problems at the reference', () => {
  const g = buildAssetGraph('/w', [
    file(asset('a', [['src.events', 'sql-table'], ["read_parquet('x/*.parquet')", 'table-function']])),
    file({ ...asset('b', [['nowhere', 'deps']]), source: 'dagster' }),
  ]);
  const ext = g.nodes.get('src/events')!;
  assert.equal(ext.definition.source, 'external');
  assert.equal(g.nodes.get("read_parquet('x/*.parquet')")!.definition.source, 'external');
  assert.deepEqual(g.upstreamOf('a'), ["read_parquet('x/*.parquet')", 'src/events']);
  assert.equal(g.problems.length, 1);
  const p = g.problems[0]!;
  assert.equal(p.code, 'graph.missing-dependency');
  assert.equal(p.file, '/w/b.txt');
  assert.equal(p.line, 2);
  assert.match(p.message, /'nowhere'/);
});

test('an ambiguous last part is not guessed', () => {
  const g = buildAssetGraph('/w', [file(asset('raw/zones')), file(asset('staging/zones')), file(asset('x', [['zones', 'header']]))]);
  assert.deepEqual(g.upstreamOf('x'), []);
  assert.equal(g.problems[0]!.code, 'graph.missing-dependency');
  assert.match(g.problems[0]!.message, /raw\/zones, staging\/zones/);
});

test('a duplicate key is a problem on both definitions', () => {
  const a = asset('dup');
  const b = { ...asset('dup'), location: { file: '/w/other.txt', line: 7, column: 1 } };
  const g = buildAssetGraph('/w', [file(a), { file: '/w/other.txt', assets: [b], problems: [] }]);
  const dups = g.problems.filter((p) => p.code === 'graph.duplicate-key');
  assert.deepEqual(dups.map((p) => `${p.file}:${p.line}`).sort(), ['/w/dup.txt:1', '/w/other.txt:7']);
  assert.equal(g.nodes.size, 1);
});

test('a cycle is a problem on every member and queries terminate', () => {
  const g = buildAssetGraph('/w', [
    file(asset('a', [['c', 'header']])),
    file(asset('b', [['a', 'header']])),
    file(asset('c', [['b', 'header']])),
    file(asset('d', [['c', 'header']])),
  ]);
  const cyc = g.problems.filter((p) => p.code === 'graph.cycle');
  assert.deepEqual(cyc.map((p) => p.file).sort(), ['/w/a.txt', '/w/b.txt', '/w/c.txt']);
  assert.ok(cyc.every((p) => p.line === 2));
  assert.deepEqual([...g.ancestors('d')].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...g.descendants('a')].sort(), ['b', 'c', 'd']);
});

test('ancestors and descendants respect depth', () => {
  const g = buildAssetGraph('/w', [
    file(asset('a')),
    file(asset('b', [['a', 'header']])),
    file(asset('c', [['b', 'header']])),
    file(asset('d', [['c', 'header']])),
  ]);
  assert.deepEqual([...g.ancestors('d', 1)], ['c']);
  assert.deepEqual([...g.ancestors('d', 2)].sort(), ['b', 'c']);
  assert.deepEqual([...g.ancestors('d')].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...g.descendants('a', 1)], ['b']);
});

test('detached checks attach to their asset; a check on a missing asset is a problem at the check', () => {
  const check = (name: string, line: number): CheckDefinition => ({
    name,
    type: 'dagster',
    severity: 'error',
    blocking: false,
    location: { file: '/w/checks.py', line, column: 1 },
  });
  const g = buildAssetGraph('/w', [
    file(asset('orders')),
    {
      file: '/w/checks.py',
      assets: [],
      problems: [],
      detachedChecks: [
        { asset: ['orders'], check: check('orders_not_empty', 4) },
        { asset: ['ghost'], check: check('ghost_check', 9) },
      ],
    },
  ]);
  assert.deepEqual(g.nodes.get('orders')!.checks.map((c) => c.name), ['orders_not_empty']);
  const p = g.problems.find((x) => x.code === 'graph.missing-check-asset')!;
  assert.equal(p.file, '/w/checks.py');
  assert.equal(p.line, 9);
});

test('dbt sources link to the feeding asset by linkedKey, else by a unique last part, else stay', () => {
  const dbt = (key: string, type: 'model' | 'source', deps: [string, DependencyRef['origin']][] = [], linkedKey?: string[]) =>
    asset(key, deps, {
      source: 'dbt',
      dbt: { projectDir: '/w/dbt', projectName: 'p', resourceType: type, selector: key, ...(linkedKey ? { linkedKey } : {}) },
    });
  const g = buildAssetGraph('/w', [
    file({ ...asset('landing/orders_raw'), source: 'dagster' }),
    file({ ...asset('customers'), source: 'dagster' }),
    file(dbt('shop/orders', 'source', [], ['landing', 'orders_raw'])),
    file(dbt('shop/customers', 'source')),
    file(dbt('shop/payments', 'source')),
    file(dbt('stg_orders', 'model', [['shop/orders', 'dbt-source'], ['shop/customers', 'dbt-source'], ['shop/payments', 'dbt-source']])),
  ]);
  assert.ok(!g.nodes.has('shop/orders'));
  assert.ok(!g.nodes.has('shop/customers'));
  assert.ok(g.nodes.has('shop/payments'));
  assert.deepEqual(
    g.edges.filter((e) => e.to === 'stg_orders').map((e) => [e.from, e.inferred]),
    [
      ['customers', true],
      ['landing/orders_raw', false],
      ['shop/payments', false],
    ],
  );
  assert.deepEqual(g.problems, []);
});

test('@dbt_assets is the op that runs the dbt models, not an asset; depending on it means on every model', () => {
  const dbtModel = (k: string) =>
    asset(k, [], { source: 'dbt', dbt: { projectDir: '/w/dbt', projectName: 'p', resourceType: 'model', selector: k } });
  const g = buildAssetGraph('/w', [
    file(dbtModel('stg_a')),
    file(dbtModel('fct_b')),
    file({ ...asset('my_dbt_assets'), source: 'dagster', dagster: { file: '/w/x.py', dbtAssets: true } }),
    file({ ...asset('report', [['my_dbt_assets', 'deps']]), source: 'dagster', dagster: { file: '/w/y.py' } }),
  ]);
  assert.equal(g.nodes.has('my_dbt_assets'), false);
  assert.deepEqual(g.dbtOps.map((o) => [o.name, o.models]), [['my_dbt_assets', ['fct_b', 'stg_a']]]);
  assert.deepEqual(g.upstreamOf('report'), ['fct_b', 'stg_a']);
  assert.deepEqual(g.downstreamOf('stg_a'), ['report']);
  assert.deepEqual(g.problems, []);
  // Selecting the op selects the models it runs.
  assert.deepEqual(planMaterialization(g, parseSelection('my_dbt_assets')).assets.map((a) => a.id).sort(), ['fct_b', 'stg_a']);
});

test('assetAt and find', () => {
  const g = buildAssetGraph('/w', [
    {
      file: '/w/defs.py',
      assets: [
        { ...asset('first'), location: { file: '/w/defs.py', line: 5, column: 1 } },
        { ...asset('raw/second'), location: { file: '/w/defs.py', line: 20, column: 1 } },
      ],
      problems: [],
    },
  ]);
  assert.equal(g.assetAt('/w/defs.py', 5)!.id, 'first');
  assert.equal(g.assetAt('/w/defs.py', 19)!.id, 'first');
  assert.equal(g.assetAt('/w/defs.py', 30)!.id, 'raw/second');
  assert.equal(g.assetAt('/w/defs.py', 2), undefined);
  assert.equal(g.assetAt('/w/none.py', 2), undefined);
  assert.equal(g.find('raw/second')!.id, 'raw/second');
  assert.equal(g.find('raw.second')!.id, 'raw/second');
  assert.equal(g.find('second')!.id, 'raw/second');
  assert.equal(g.find('nothing'), undefined);
});

test('a long chain builds and walks without overflowing', () => {
  const n = 20000;
  const files = Array.from({ length: n }, (_, i) => file(asset(`a${i}`, i > 0 ? [[`a${i - 1}`, 'header']] : [])));
  const g = buildAssetGraph('/w', files);
  assert.equal(g.edges.length, n - 1);
  assert.equal(g.ancestors(`a${n - 1}`).size, n - 1);
  assert.deepEqual(g.problems, []);
});

test('the bad corpus: missing dependency, cycle and duplicate key at their lines', async () => {
  const dir = resolve(__dirname, '../fixtures/bad');
  const names = ['missing_dep.sql', 'cycle_a.sql', 'cycle_b.sql', 'duplicate_a.sql', 'duplicate_b.sql'];
  const ds = await readSqlFiles(names.map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })), { root: dir });
  const g = buildAssetGraph(dir, ds);
  const got = g.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}:${p.code}`).sort();
  assert.deepEqual(got, [
    'cycle_a.sql:4:graph.cycle',
    'cycle_b.sql:4:graph.cycle',
    'duplicate_a.sql:1:graph.duplicate-key',
    'duplicate_b.sql:2:graph.duplicate-key',
    'missing_dep.sql:4:graph.missing-dependency',
  ]);
});

test('a dbt source with the same key as a Dagster asset is that asset, with the source tests as its checks', () => {
  const check: CheckDefinition = { name: 'source_not_null_raw_taxi_trips_id', type: 'dbt', severity: 'error', blocking: false, location: { file: '/w/dbt/_sources.yml', line: 9, column: 11 } };
  const g = buildAssetGraph('/w', [
    file({ ...asset('raw/taxi_trips'), source: 'dagster' }),
    file(asset('raw/taxi_trips', [], { source: 'dbt', location: { file: '/w/dbt/_sources.yml', line: 8, column: 9 }, dbt: { projectDir: '/w/dbt', projectName: 'p', resourceType: 'source', selector: 'source:raw.taxi_trips' } })),
    { file: '/w/dbt/_sources.yml', assets: [], problems: [], detachedChecks: [{ asset: ['raw', 'taxi_trips'], check }] },
    file(asset('stg_trips', [['raw/taxi_trips', 'dbt-source']], { source: 'dbt', dbt: { projectDir: '/w/dbt', projectName: 'p', resourceType: 'model', selector: 'stg_trips' } })),
  ]);
  assert.deepEqual(g.problems, []);
  assert.equal(g.nodes.get('raw/taxi_trips')!.definition.source, 'dagster');
  assert.deepEqual(g.nodes.get('raw/taxi_trips')!.checks.map((c) => c.name), ['source_not_null_raw_taxi_trips_id']);
  assert.deepEqual(g.upstreamOf('stg_trips'), ['raw/taxi_trips']);
});
