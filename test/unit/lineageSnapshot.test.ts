import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLineageSnapshot } from '../../src/core/lineage/lineageSnapshot';
import type { AssetEdge, AssetGraph, AssetNode } from '../../src/core/graph/assetGraph';
import type { AssetDefinition, CheckDefinition } from '../../src/core/asset';

const root = '/ws';

function check(name: string): CheckDefinition {
  return { name, type: 'not_null', severity: 'error', blocking: true, location: { file: `${root}/a.sql`, line: 2, column: 1 } };
}

function asset(key: string[], extra: Partial<AssetDefinition> = {}): AssetNode {
  const definition: AssetDefinition = {
    key,
    source: 'sql',
    location: { file: `${root}/models/${key.join('_')}.sql`, line: 4, column: 1 },
    deps: [],
    checks: [],
    definitionHash: key.join('/'),
    ...extra,
  };
  return { id: key.join('/'), definition, checks: definition.checks };
}

/** A plain AssetGraph value: the snapshot reads only nodes, edges and root. */
function graphOf(nodes: AssetNode[], edges: AssetEdge[]): AssetGraph {
  const none = (): never => {
    throw new Error('not used by the snapshot');
  };
  return {
    root,
    nodes: new Map(nodes.map((n) => [n.id, n])),
    edges,
    dbtOps: [],
    problems: [],
    unseen: [],
    upstreamOf: none,
    downstreamOf: none,
    ancestors: none,
    descendants: none,
    assetAt: none,
    assetsIn: none,
    find: none,
  };
}

test('every asset becomes a node with its source, group, kind, relative file and line', () => {
  const graph = graphOf(
    [
      asset(['raw', 'trips'], { group: 'ingest', kind: 'table', checks: [check('a'), check('b')] }),
      asset(['marts', 'daily'], { source: 'dbt', kind: 'view' }),
      asset(['s3_bucket'], { source: 'external' }),
    ],
    [],
  );
  const s = buildLineageSnapshot(graph);
  assert.equal(s.nodes.length, 3);
  const trips = s.nodes.find((n) => n.id === 'raw/trips')!;
  assert.equal(trips.label, 'trips');
  assert.equal(trips.group, 'ingest');
  assert.equal(trips.kind, 'table');
  assert.equal(trips.file, 'models/raw_trips.sql');
  assert.equal(trips.line, 4);
  assert.equal(trips.state, 'never');
  assert.deepEqual(trips.checks, { passed: 0, failed: 0, total: 2 });
  assert.equal(s.nodes.find((n) => n.id === 'marts/daily')?.source, 'dbt');
  assert.equal(s.nodes.find((n) => n.id === 's3_bucket')?.source, 'external');
  assert.equal(s.target, undefined);
});

test('state and check results come from the status lookup, clamped to the checks that exist', () => {
  const graph = graphOf([asset(['a'], { checks: [check('x'), check('y')] }), asset(['b'])], []);
  const s = buildLineageSnapshot(
    graph,
    (key) => (key === 'a' ? { state: 'fresh', checksPassed: 5, checksFailed: 1, lastRun: '2026-01-02T03:04:05Z' } : undefined),
    'dev',
  );
  const a = s.nodes.find((n) => n.id === 'a')!;
  assert.equal(a.state, 'fresh');
  assert.deepEqual(a.checks, { passed: 1, failed: 1, total: 2 });
  assert.equal(a.lastRun, '2026-01-02T03:04:05Z');
  assert.equal(s.nodes.find((n) => n.id === 'b')?.state, 'never');
  assert.equal(s.target, 'dev');
});

test('edges keep their inferred flag; duplicates and edges to unknown keys are dropped', () => {
  const graph = graphOf(
    [asset(['a']), asset(['b']), asset(['c'])],
    [
      { from: 'a', to: 'b', inferred: false },
      { from: 'a', to: 'b', inferred: false },
      { from: 'b', to: 'c', inferred: true },
      { from: 'missing', to: 'c', inferred: false },
    ],
  );
  const s = buildLineageSnapshot(graph);
  assert.deepEqual(s.edges, [
    { from: 'a', to: 'b', inferred: false },
    { from: 'b', to: 'c', inferred: true },
  ]);
  // The snapshot crosses to the webview as JSON: it must survive a round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('an exact edge wins over an inferred one for the same pair, whichever the graph lists first', () => {
  const graph = graphOf(
    [asset(['a']), asset(['b']), asset(['c'])],
    [
      { from: 'a', to: 'b', inferred: true },
      { from: 'a', to: 'b', inferred: false },
      { from: 'b', to: 'c', inferred: false },
      { from: 'b', to: 'c', inferred: true },
    ],
  );
  assert.deepEqual(buildLineageSnapshot(graph).edges, [
    { from: 'a', to: 'b', inferred: false },
    { from: 'b', to: 'c', inferred: false },
  ]);
});

test('rows, rows added and partitions reach the node from the status lookup', () => {
  const graph = graphOf([asset(['inc']), asset(['daily'])], []);
  const s = buildLineageSnapshot(graph, (key) =>
    key === 'inc'
      ? { state: 'fresh', rows: 11_500, rowsAdded: 0 }
      : { state: 'fresh', rows: 40, partitions: { done: 12, total: 30 } },
  );
  const inc = s.nodes.find((n) => n.id === 'inc')!;
  assert.equal(inc.rows, 11_500);
  assert.equal(inc.rowsAdded, 0);
  assert.deepEqual(s.nodes.find((n) => n.id === 'daily')!.partitions, { done: 12, total: 30 });
});

test('warn-level failures are counted apart from error-level ones', () => {
  const graph = graphOf([asset(['a'], { checks: [check('x'), check('y'), check('z')] })], []);
  const s = buildLineageSnapshot(graph, () => ({ state: 'fresh', checksPassed: 1, checksFailed: 0, checksWarned: 2 }));
  assert.deepEqual(s.nodes[0]!.checks, { passed: 1, failed: 0, warned: 2, total: 3 });
});
