import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ageText,
  buildLineageView,
  compactCount,
  checkBadge,
  defaultViewOptions,
  neighbourhood,
  nodeStatus,
  statusColour,
} from '../../webview/src/model/lineageViewModel';
import type { LineageNode, LineageSnapshot } from '../../src/protocol/lineageMessages';

function node(id: string, extra: Partial<LineageNode> = {}): LineageNode {
  return {
    id,
    label: id.split('/').pop()!,
    source: 'sql',
    group: id.split('/')[0]!,
    state: 'never',
    checks: { passed: 0, failed: 0, total: 0 },
    ...extra,
  };
}

// a → b → c → d → e, and x → c (inferred), f alone
const snapshot: LineageSnapshot = {
  nodes: [
    node('raw/a'),
    node('raw/x', { source: 'external' }),
    node('stg/b', { state: 'fresh', checks: { passed: 2, failed: 0, total: 2 } }),
    node('stg/c', { source: 'dbt', state: 'fresh', checks: { passed: 1, failed: 1, total: 2 } }),
    node('mart/d', { source: 'dagster', state: 'stale' }),
    node('mart/e', { state: 'failed' }),
    node('other/f', { state: 'running' }),
  ],
  edges: [
    { from: 'raw/a', to: 'stg/b', inferred: false },
    { from: 'stg/b', to: 'stg/c', inferred: false },
    { from: 'raw/x', to: 'stg/c', inferred: true },
    { from: 'stg/c', to: 'mart/d', inferred: false },
    { from: 'mart/d', to: 'mart/e', inferred: false },
  ],
};

test('neighbourhood walks up and down only as deep as asked', () => {
  assert.deepEqual([...neighbourhood(snapshot, 'stg/c', 1, 1)].sort(), ['mart/d', 'raw/x', 'stg/b', 'stg/c']);
  assert.deepEqual([...neighbourhood(snapshot, 'stg/c', 2, 0)].sort(), ['raw/a', 'raw/x', 'stg/b', 'stg/c']);
  assert.deepEqual([...neighbourhood(snapshot, 'stg/c', 0, null)].sort(), ['mart/d', 'mart/e', 'stg/c']);
  assert.deepEqual([...neighbourhood(snapshot, 'other/f', null, null)], ['other/f']);
});

test('neighbourhood terminates on a cycle', () => {
  const cyclic: LineageSnapshot = {
    nodes: [node('p/a'), node('p/b')],
    edges: [
      { from: 'p/a', to: 'p/b', inferred: false },
      { from: 'p/b', to: 'p/a', inferred: false },
    ],
  };
  assert.deepEqual([...neighbourhood(cyclic, 'p/a', null, null)].sort(), ['p/a', 'p/b']);
});

test('a focused view keeps only the neighbourhood and the edges inside it', () => {
  const view = buildLineageView(snapshot, { ...defaultViewOptions, focus: 'stg/b', upstreamDepth: 1, downstreamDepth: 1 });
  assert.deepEqual(view.nodes.map((n) => n.id).sort(), ['raw/a', 'stg/b', 'stg/c']);
  assert.deepEqual(view.edges.map((e) => `${e.from}>${e.to}`).sort(), ['raw/a>stg/b', 'stg/b>stg/c']);
  assert.equal(view.nodes.find((n) => n.id === 'stg/b')?.focused, true);
  assert.equal(view.nodes.filter((n) => n.focused).length, 1);
  assert.equal(view.total, snapshot.nodes.length);
  assert.equal(view.focusMissing, false);
});

test('without a focus the whole graph is shown; an unknown focus says so and shows everything', () => {
  assert.equal(buildLineageView(snapshot, defaultViewOptions).nodes.length, snapshot.nodes.length);
  const missing = buildLineageView(snapshot, { ...defaultViewOptions, focus: 'gone/z' });
  assert.equal(missing.focusMissing, true);
  assert.equal(missing.nodes.length, snapshot.nodes.length);
});

test('search filters by key, group, source and kind, case-insensitively, keeping the focus', () => {
  const byKey = buildLineageView(snapshot, { ...defaultViewOptions, search: 'STG/' });
  assert.deepEqual(byKey.nodes.map((n) => n.id).sort(), ['stg/b', 'stg/c']);
  assert.deepEqual(byKey.edges.map((e) => `${e.from}>${e.to}`), ['stg/b>stg/c']);
  const bySource = buildLineageView(snapshot, { ...defaultViewOptions, search: 'dagster' });
  assert.deepEqual(bySource.nodes.map((n) => n.id), ['mart/d']);
  const withFocus = buildLineageView(snapshot, { ...defaultViewOptions, focus: 'stg/c', upstreamDepth: null, downstreamDepth: null, search: 'mart' });
  assert.deepEqual(withFocus.nodes.map((n) => n.id).sort(), ['mart/d', 'mart/e', 'stg/c']);
});

test('grouping puts each node in a cluster by group or by source, and none when ungrouped', () => {
  const byGroup = buildLineageView(snapshot, { ...defaultViewOptions, groupBy: 'group' });
  assert.deepEqual(byGroup.clusters.map((c) => [c.id, c.size]), [['mart', 2], ['other', 1], ['raw', 2], ['stg', 2]]);
  assert.equal(byGroup.nodes.find((n) => n.id === 'mart/d')?.cluster, 'mart');
  const bySource = buildLineageView(snapshot, { ...defaultViewOptions, groupBy: 'source' });
  assert.deepEqual(bySource.clusters.map((c) => [c.label, c.size]), [['Dagster', 1], ['dbt', 1], ['External', 1], ['SQL', 4]]);
  const flat = buildLineageView(snapshot, { ...defaultViewOptions, groupBy: 'none' });
  assert.equal(flat.clusters.length, 0);
  assert.ok(flat.nodes.every((n) => n.cluster === undefined));
});

test('an asset with no group falls in the default cluster', () => {
  const { group: _omit, ...ungrouped } = node('p/q');
  void _omit;
  const view = buildLineageView({ nodes: [ungrouped], edges: [] }, { ...defaultViewOptions, groupBy: 'group' });
  assert.equal(view.nodes[0]?.cluster, 'default');
});

test('status, colour and class follow the state; failing checks on a fresh asset show as such', () => {
  const view = buildLineageView(snapshot, defaultViewOptions);
  const by = new Map(view.nodes.map((n) => [n.id, n]));
  assert.equal(by.get('stg/b')?.status, 'fresh');
  assert.equal(by.get('stg/c')?.status, 'checks-failing');
  assert.equal(by.get('stg/c')?.statusClass, 'status-checks-failing');
  assert.equal(by.get('mart/d')?.status, 'stale');
  assert.equal(by.get('mart/e')?.status, 'failed');
  assert.equal(by.get('other/f')?.status, 'running');
  assert.equal(by.get('raw/a')?.status, 'never');
  for (const n of view.nodes) {
    assert.match(n.colour, /^var\(--vscode-[A-Za-z.-]+\)$/);
    assert.equal(n.colour, statusColour(n.status));
  }
  assert.notEqual(statusColour('fresh'), statusColour('failed'));
  assert.notEqual(statusColour('stale'), statusColour('never'));
  assert.equal(nodeStatus(node('z/z', { state: 'stale', checks: { passed: 0, failed: 1, total: 1 } })), 'stale');
});

test('check badges count passing checks, or failing ones when any fail', () => {
  assert.deepEqual(checkBadge(snapshot.nodes[2]!), { text: '2/2', failing: false });
  assert.deepEqual(checkBadge(snapshot.nodes[3]!), { text: '1✕', failing: true });
  assert.equal(checkBadge(snapshot.nodes[0]!), undefined);
  const view = buildLineageView(snapshot, defaultViewOptions);
  assert.equal(view.nodes.find((n) => n.id === 'raw/a')?.badge, undefined);
});

test('inferred edges carry their own class so they are drawn differently', () => {
  const view = buildLineageView(snapshot, defaultViewOptions);
  const inferred = view.edges.filter((e) => e.inferred);
  assert.deepEqual(inferred.map((e) => `${e.from}>${e.to}`), ['raw/x>stg/c']);
  assert.equal(inferred[0]?.className, 'edge inferred');
  assert.ok(view.edges.filter((e) => !e.inferred).every((e) => e.className === 'edge'));
});

test('source icons are codicons and the accessible title says key, source, state and place', () => {
  const view = buildLineageView({ nodes: [node('raw/a', { file: 'models/a.sql', line: 3, source: 'dbt' })], edges: [] }, defaultViewOptions);
  const n = view.nodes[0]!;
  assert.equal(n.icon, 'layers');
  assert.match(n.title, /raw\/a/);
  assert.match(n.title, /dbt/);
  assert.match(n.title, /never/);
  assert.match(n.title, /models\/a\.sql:3/);
});

test('a node’s second line says state, the table’s rows (not what the last run added) and age; partitions when known', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  const view = buildLineageView(
    {
      nodes: [
        node('raw/inc', { state: 'fresh', rows: 11_500, rowsAdded: 0, lastRun: '2026-12-03T09:57:00Z' }),
        node('raw/daily', { state: 'stale', rows: 40, partitions: { done: 12, total: 30 }, lastRun: '2026-12-01T10:00:00Z' }),
        node('raw/new'),
      ],
      edges: [],
    },
    defaultViewOptions,
    now,
  );
  const by = new Map(view.nodes.map((n) => [n.id, n]));
  assert.equal(by.get('raw/inc')!.detail, 'fresh · 11.5k rows · 3m ago');
  assert.match(by.get('raw/inc')!.title, /11,500 rows · 0 added by the last run/);
  assert.equal(by.get('raw/daily')!.detail, 'stale · 12/30 parts · 2d ago');
  assert.match(by.get('raw/daily')!.title, /12 of 30 partitions materialized/);
  assert.equal(by.get('raw/new')!.detail, 'never run');
});

test('held against another target, a node says where it stands on its second line and in full in its title', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  const view = buildLineageView(
    {
      nodes: [
        node('a/behind', { state: 'fresh', rows: 3, lastRun: '2026-12-03T09:57:00Z', against: { target: 'prod', drift: 'differs', text: 'prod is behind (built from an older definition)', mark: '≠ prod' } }),
        node('a/same', { state: 'fresh', rows: 3, lastRun: '2026-12-03T09:57:00Z', against: { target: 'prod', drift: 'same', text: 'same as prod' } }),
      ],
      edges: [],
    },
    defaultViewOptions,
    now,
  );
  const by = new Map(view.nodes.map((n) => [n.id, n]));
  assert.equal(by.get('a/behind')!.detail, 'fresh · 3 rows · 3m ago · ≠ prod');
  assert.match(by.get('a/behind')!.title, /against prod: prod is behind/);
  assert.equal(by.get('a/same')!.detail, 'fresh · 3 rows · 3m ago');
});

test('while the target defers, an asset not built on it says a run reads it from the deferred target', () => {
  const view = buildLineageView({ nodes: [node('raw/zones', { state: 'never', deferredFrom: 'prod' })], edges: [] }, defaultViewOptions, 0);
  assert.equal(view.nodes[0]!.detail, 'never run · read from prod');
  assert.match(view.nodes[0]!.title, /not built here: a run reads it from prod \(deferred\)/);
});

test('compact counts and ages stay short', () => {
  assert.deepEqual([0, 1, 999, 1000, 11_500, 265_000, 2_345_678, 7e9].map(compactCount), ['0', '1', '999', '1k', '11.5k', '265k', '2.3M', '7B']);
  const now = Date.parse('2026-12-03T10:00:00Z');
  assert.equal(ageText('2026-12-03T09:59:50Z', now), 'just now');
  assert.equal(ageText('2026-12-03T07:00:00Z', now), '3h ago');
  assert.equal(ageText('2026-10-01T00:00:00Z', now), 'on 2026-10-01');
  assert.equal(ageText('not a date', now), undefined);
});

test('a solid edge wins over a dashed one for the same pair in the view', () => {
  const view = buildLineageView(
    {
      nodes: [node('p/a'), node('p/b')],
      edges: [
        { from: 'p/a', to: 'p/b', inferred: true },
        { from: 'p/a', to: 'p/b', inferred: false },
      ],
    },
    defaultViewOptions,
  );
  assert.deepEqual(view.edges.map((e) => [e.id, e.className]), [['p/a\u2192p/b', 'edge']]);
});

test('warn-level checks failing make a node yellow, never red; an error-level failure still wins', () => {
  const warnOnly = node('w/a', { state: 'fresh', checks: { passed: 2, failed: 0, warned: 1, total: 3 } });
  const both = node('w/b', { state: 'fresh', checks: { passed: 1, failed: 1, warned: 1, total: 3 } });
  const view = buildLineageView({ nodes: [warnOnly, both, node('w/ext', { source: 'external' })], edges: [] }, defaultViewOptions);
  const by = new Map(view.nodes.map((n) => [n.id, n]));
  const a = by.get('w/a')!;
  assert.equal(a.status, 'checks-warning');
  assert.equal(a.colour, 'var(--vscode-editorWarning-foreground)');
  assert.notEqual(a.colour, statusColour('failed'));
  assert.notEqual(a.colour, statusColour('checks-failing'));
  assert.deepEqual(a.badge, { text: '1⚠', failing: false, warning: true });
  assert.match(a.detail, /^checks warn/);
  assert.match(a.title, /1 warning/);
  assert.equal(by.get('w/b')!.status, 'checks-failing');
  assert.deepEqual(by.get('w/b')!.badge, { text: '1✕', failing: true });
  assert.equal(by.get('w/ext')!.detail, 'external source');
});
